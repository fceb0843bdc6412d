"""Role-package permissions over the org tree (Casbin RBAC with domains) and data scopes."""
