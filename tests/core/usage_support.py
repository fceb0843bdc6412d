"""Helpers for the usage tests: switch resident_info on, make a token, read the counts."""

from sqlalchemy import func, select

from core.auth.tokens import create_token
from core.db import session_scope
from core.plugin_system.enablement import set_state
from core.state import state_of
from core.usage.models import UsageCount, UsageUserDay

RESIDENTS = "/api/v1/resident_info/residents"


def enable_residents(app, at="c1"):
    with app.app_context(), session_scope(app) as db:
        set_state(db, state_of(app).host, "resident_info", at, "enabled", actor="test")


def bearer(app, user):
    with app.app_context(), session_scope(app) as db:
        _token, secret = create_token(db, user, "用量测试")
    return {"Authorization": f"Bearer {secret}"}


def counted(app):
    """{(org_path, plugin, action): n} and the number of user-day rows."""
    with app.app_context(), session_scope(app) as db:
        rows = db.execute(select(UsageCount.org_path, UsageCount.plugin, UsageCount.action, UsageCount.n)).all()
        users = db.execute(select(func.count()).select_from(UsageUserDay)).scalar()
    return {(path, plugin, action): n for path, plugin, action, n in rows}, users
