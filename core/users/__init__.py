"""Account management (账号管理): accounts homed at org nodes, managed within a data scope."""
