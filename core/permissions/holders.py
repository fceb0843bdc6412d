"""Who holds a role package at a node: the people a plugin assigns work to (the grid worker
of a grid). A grant covers its subtree, so a holder granted at the node itself comes before
one granted above it; inactive accounts hold nothing."""

from dataclasses import dataclass

from sqlmodel import select

from core.auth.models import User
from core.db import system_query
from core.permissions.ids import package_subject, user_id_of
from core.permissions.models import CasbinRule
from core.tree.paths import ancestors_and_self


@dataclass(frozen=True)
class Holder:
    user_id: int
    username: str
    display_name: str
    granted_at: str  # the org path of the grant


def package_holders(session, package, org_path):
    """Active accounts holding ``package`` at ``org_path`` (granted there or above), the
    nearest grant first, then by username."""
    paths = ancestors_and_self(org_path)
    rules = session.exec(
        select(CasbinRule.v0, CasbinRule.v2).where(
            CasbinRule.ptype == "g", CasbinRule.v1 == package_subject(package), CasbinRule.v2.in_(paths)
        )
    ).all()
    granted = {}
    for subject, path in rules:
        user_id = user_id_of(subject)
        granted[user_id] = max(granted.get(user_id, ""), path, key=len)
    if not granted:
        return []
    users = session.exec(
        system_query(
            select(User).where(User.id.in_(granted), User.is_active.is_(True)),
            "the holders of a role package at a node, to assign work to",
        )
    ).all()
    holders = [Holder(u.id, u.username, u.display_name or u.username, granted[u.id]) for u in users]
    return sorted(holders, key=lambda holder: (-len(holder.granted_at), holder.username))
