"""Alerts (预警发布): a county or street admin announces a heat wave, cold spell, typhoon or
rainstorm for an area; plugins act on ``core.alert_issued`` / ``core.alert_lifted``, and
every workbench in the area shows the alerts in force."""
