"""Alerts as pages and the API show them: kind and area by name, times in the deployment's zone."""

from core.alerts.models import KINDS
from core.orgs.service import place_names
from core.timeutil import as_aware, isoformat, local_text, utcnow


def describe_alerts(db, alerts):
    places = place_names(db, [alert.org_path for alert in alerts])
    now = utcnow()
    return [
        {
            "id": alert.id,
            "kind": alert.kind,
            "kind_title": KINDS.get(alert.kind, alert.kind),
            "area": places.get(alert.org_path, ""),
            "org_path": alert.org_path,
            "message": alert.message,
            "starts_at": isoformat(alert.starts_at),
            "ends_at": isoformat(alert.ends_at),
            "ends_at_text": local_text(alert.ends_at),
            "in_force": alert.lifted_at is None and as_aware(alert.starts_at) <= now < as_aware(alert.ends_at),
            "lifted_at": isoformat(alert.lifted_at),
        }
        for alert in alerts
    ]
