"""What the visit page knows about the resident, from resident_info through the core's
service (masked: a phone shows as 138****5678), and whom an admin may choose as visitor."""

from core.public import ServiceUnavailable, call_service, can, current_actor, node_choices, package_holders, scope_for
from plugins.special_visits.permissions import GRID_WORKER_PACKAGE, ROSTER_READ
from plugins.special_visits.roster.assign import community_of

SENSITIVE_PHONE = "resident_info.read_sensitive"


def resident_brief(db, entry):
    try:
        found = call_service(
            "resident_info.resident_by_id", resident_id=entry.resident_id, actor=current_actor, session=db
        )
    except (ServiceUnavailable, LookupError):
        found = None
    if not found:
        return None
    return {
        **found,
        "tags": [tag["tag"] for tag in found.get("tags", [])],
        # The full number is shown (and audited) on the register's own page, to those who may.
        "reveal_link": f"/resident_info/residents/{entry.resident_id}"
        if can(current_actor, SENSITIVE_PHONE, entry.org_path)
        else "",
    }


def workers_near(db, entry):
    """The grid workers of the entry's community (its grids' holders), for an override."""
    community = community_of(entry.org_path)
    grids = [
        c.path for c in node_choices(db, scope_for(current_actor, ROSTER_READ)) if c.path.startswith(community + "/")
    ]
    seen = {}
    for grid in grids or [entry.org_path]:
        for holder in package_holders(db, GRID_WORKER_PACKAGE, grid):
            seen.setdefault(holder.username, holder)
    return sorted(seen.values(), key=lambda holder: holder.username)
