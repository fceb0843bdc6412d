"""The plugin's audit lines, spelled once: action ``special_visits.<what>`` on target
``special_visits_<kind>:<id>`` (the same shape the audit page filters by)."""

from core.public import record_audit
from plugins.special_visits.permissions import PLUGIN


def audit(db, what, actor, target, org_path, **detail):
    """``target``: (kind, id) of the record; ``detail``: what the line keeps."""
    kind, record_id = target
    record_audit(
        db, f"{PLUGIN}.{what}", actor=actor, target=f"{PLUGIN}_{kind}:{record_id}", org_path=org_path, detail=detail
    )
