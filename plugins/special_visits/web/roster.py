"""The roster page ``/special_visits/``: a grid worker's own due list (alert visits on top,
then overdue, then this week), or a community's for those who oversee it, nearest first."""

from flask import render_template, request

from core.public import current_actor, display_names, get_session, node_choices, node_filter, require, scope_for
from plugins.special_visits.permissions import ROSTER_READ
from plugins.special_visits.roster.due import VIEWS, counts, due_list
from plugins.special_visits.web.present import entry_row

PAGE_SIZE = 50


@require(ROSTER_READ)
def index():
    db, scope = get_session(), scope_for(current_actor, ROSTER_READ)
    view = request.args.get("view") if request.args.get("view") in VIEWS else "due"
    mine_count = counts(db, scope, assigned_to=current_actor.username)
    mine = request.args.get("mine", "1" if sum(mine_count) else "0") == "1"
    choices = node_choices(db, scope)
    found = node_filter(choices, request.args.get("node", ""), "范围")
    rows, total = (
        ([], 0)
        if found.problem
        else due_list(
            db,
            scope,
            assigned_to=current_actor.username if mine else None,
            under=found.path,
            view=view,
            limit=PAGE_SIZE,
        )
    )
    names = display_names(db, {entry.assigned_to for entry, _ in rows if entry.assigned_to})
    return render_template(
        "special_visits/roster.html",
        rows=[entry_row(entry, group, names) for entry, group in rows],
        total=total,
        view=view,
        views=VIEWS,
        mine=mine,
        choices=choices,
        node=found.path,
        problem=found.problem,
        counts=counts(db, scope, assigned_to=current_actor.username if mine else None),
    )


def add_routes(pages, api):
    pages.add_url_rule("/", "index", index)
