"""Wiring metering into an app (called by ``create_app``)."""

from core.state import state_of
from core.usage.flusher import start_before_request
from core.usage.meter import meter_response, note_form
from core.usage.spool import SpoolWriter, spool_folder


def init_app(app):
    """``USAGE_METERING=false`` switches metering off (the overhead benchmark's "without")."""
    if not app.config.get("USAGE_METERING", True):
        return
    gridwork = state_of(app)
    gridwork.usage_spool = SpoolWriter(spool_folder(app))
    gridwork.usage_form_meter = note_form
    app.after_request(meter_response)
    app.before_request(start_before_request(app))
