"""Scenario blocks (功能块): my roster, the visit form (the most urgent entries, one tap from
their record page), the coverage board's figures, the alert panel. Settings are untrusted
until the scenario builder checks them: read with defaults."""

from flask import render_template

from core.public import current_actor, display_names, get_session, scope_for
from plugins.special_visits.coverage.queries import board
from plugins.special_visits.permissions import COVERAGE_READ, ROSTER_READ
from plugins.special_visits.roster.alerts import alerts_in_force
from plugins.special_visits.roster.due import VIEWS, due_list
from plugins.special_visits.web.present import entry_row


def _actor(context):
    return context.get("actor") or current_actor


def _rows(context, view, limit):
    actor, db = _actor(context), get_session()
    rows, total = due_list(db, scope_for(actor, ROSTER_READ), assigned_to=actor.username, view=view, limit=limit)
    names = display_names(db, {entry.assigned_to for entry, _ in rows if entry.assigned_to})
    return [entry_row(entry, group, names) for entry, group in rows], total


def render_my_roster(settings, context):
    view = settings.get("view") if settings.get("view") in VIEWS else "due"
    rows, total = _rows(context, view, int(settings.get("limit", 10)))
    return render_template("special_visits/block_roster.html", rows=rows, total=total, title=VIEWS[view])


def render_visit_form(settings, context):
    rows, total = _rows(context, "due", int(settings.get("limit", 5)))
    return render_template("special_visits/block_roster.html", rows=rows, total=total, title="点选对象登记走访")


def render_coverage_board(settings, context):
    actor = _actor(context)
    total, _children, _trend = board(
        get_session(), scope_for(actor, COVERAGE_READ), context.get("org_path") or "", int(settings.get("weeks", 8))
    )
    return render_template("special_visits/block_coverage.html", total=total, weeks=int(settings.get("weeks", 8)))


def render_alert_panel(settings, context):
    alerts = alerts_in_force(get_session(), scope_for(_actor(context), COVERAGE_READ))[: int(settings.get("limit", 5))]
    return render_template("special_visits/block_alerts.html", alerts=alerts)
