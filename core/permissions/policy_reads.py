"""Reads of the stored policy (from the table, inside a transaction — not the cached enforcer)."""

from sqlmodel import select

from core.permissions.ids import package_subject
from core.permissions.models import CasbinRule


def package_permission_names(db, package_name):
    rows = db.exec(
        select(CasbinRule.v2).where(CasbinRule.ptype == "p", CasbinRule.v0 == package_subject(package_name))
    ).all()
    return set(rows)
