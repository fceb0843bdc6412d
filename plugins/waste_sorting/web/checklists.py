"""Checklists: a county admin edits the county's checklist (items, weights, critical items,
pass mark, deadline, repeated-failure rule); a street admin adds the street's own items.
Saving publishes a new version; every version stays readable at ``/checklists/<id>``."""

from flask import redirect, request, url_for

from core.public import ApiError, current_actor, get_session, node_choices, not_found, require, scope_for
from plugins.waste_sorting.checklists import services
from plugins.waste_sorting.permissions import MANAGE, READ
from plugins.waste_sorting.places import county_of
from plugins.waste_sorting.web.common import chosen, render

BLANK_ROWS = 3
RULES = {
    "pass_mark": ("合格线", 1, 100),
    "deadline_days": ("整改期限（天）", 1, 60),
    "repeat_fails": ("屡查不合格次数", 2, 20),
    "repeat_days": ("统计天数", 1, 365),
}


@require(READ)
def checklists():
    db = get_session()
    editable = [c for c in node_choices(db, scope_for(current_actor, MANAGE)) if c.path.count("/") <= 1]
    node = chosen(editable, request.values.get("node"))
    error, status = None, 200
    if request.method == "POST":
        if node is None or node.path != request.form.get("node"):
            raise not_found()
        try:
            services.save_version(db, node.path, _items_from(request.form), _rules_from(request.form), current_actor)
            db.commit()
            return redirect(url_for(".checklists", node=node.path), 303)
        except ApiError as problem:
            db.rollback()
            error, status = problem.detail, 422
    county = county_of(node.path if node else current_actor.org_path)
    current, _street = services.effective(db, county)
    shown = (services.latest(db, node.path) or _default_for(node.path)) if node else current
    return render(
        "checklists.html",
        node=node,
        editable=editable,
        shown=shown,
        is_county=bool(node and "/" not in node.path),
        versions=services.versions(db, node.path if node else county),
        blank_rows=BLANK_ROWS,
        rules=RULES,
        error=error,
    ), status


@require(READ)
def checklist_version(checklist_id):
    db = get_session()
    checklist = services.by_id(db, checklist_id)
    scope = scope_for(current_actor, READ)
    # A checklist sits at a county or street: those who read anything below it may read it.
    if checklist is None or not _applies_to(checklist.org_path, scope):
        raise not_found()
    return render("checklist.html", checklist=checklist)


def _default_for(path):
    """A county without a checklist of its own edits the default one; a street starts empty."""
    return services.default_checklist() if "/" not in path else None


def _applies_to(checklist_path, scope):
    """A checklist at a county or street applies to everything below it: whoever reads
    anything there (or above it) may read it — and nobody in another county or street."""
    if scope.covers(checklist_path):
        return True
    return any(path.startswith(checklist_path + "/") for path in scope.paths)


def _items_from(form):
    items = []
    for index in range(services.MAX_ITEMS + BLANK_ROWS):
        title = (form.get(f"title_{index}") or "").strip()
        if not title:
            continue
        weight = (form.get(f"weight_{index}") or "").strip()
        key = (form.get(f"key_{index}") or "").strip() or f"item{index + 1}_{len(items) + 1}"
        items.append(
            {
                "key": key,
                "title": title,
                "weight": int(weight) if weight.isdigit() else -1,
                "critical": form.get(f"critical_{index}") == "on",
            }
        )
    return items


def _rules_from(form):
    rules = {}
    for name, (title, low, high) in RULES.items():
        value = (form.get(name) or "").strip()
        if value:
            if not value.isdigit() or not low <= int(value) <= high:
                raise ApiError(422, f"{title}：须为 {low}–{high} 的整数。", pointer=f"/{name}")
            rules[name] = int(value)
    return rules


def add_routes(pages, api):
    pages.add_url_rule("/checklists", "checklists", checklists, methods=["GET", "POST"])
    pages.add_url_rule("/checklists/<int:checklist_id>", "checklist_version", checklist_version)
