"""Pages and API of the two services that sit below the permission layer.

The audit trail is written by everything (logins, grants, plugin switches), and permissions
need the user accounts, so ``core.audit`` and ``core.auth`` are low layers that may not
import ``core.permissions``. Their pages and API do need permission checks
(``@require("core.audit_read")``, ``@login_required``), so they live here, above both.
Every other feature keeps its pages beside its code (``core/orgs/views.py`` …).
"""
