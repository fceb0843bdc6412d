"""Every refusal (403) is a denial in the audit trail, recorded once by the shared error handler."""

from flask import g, request

from core.audit.chain import record_audit
from core.auth.actor import current_actor
from core.db import get_session


def audit_refusal(detail):
    """Every 403 the API or a page answers is a denial in the audit trail — recorded here,
    once, so no module can forget it. The request's unfinished work is rolled back first."""
    session = get_session()
    session.rollback()
    record_audit(
        session,
        "core.permission_denied",
        actor=getattr(current_actor, "username", "") or "",
        target=request.path,
        org_path=getattr(current_actor, "org_path", "") or "",
        ip=request.remote_addr or "",
        detail={"permission": g.get("denied_permission"), "method": request.method, "reason": detail},
    )
    session.commit()
