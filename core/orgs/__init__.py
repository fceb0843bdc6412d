"""The county › street › community › grid tree (组织/区划节点)."""
