"""The slimming list of a county or street for a period: figures → ``ModuleUse`` → scores,
quadrants, reasons, advice and improvement suggestions, as plain rows for the page, the API,
the exports and the quarterly snapshot."""

from datetime import timedelta

from flask import current_app

from core.plugin_system.api import block_placements, usage_figures
from core.state import state_of
from core.timeutil import utcnow
from core.usage import figures
from core.usage.declared import module_facts
from core.usage.ratings import county_settings, rating_figures
from core.usage.scenario_figures import placements_with_use
from core.usage.slimming import (
    ADVICE,
    INDICATORS,
    QUADRANTS,
    REASONS,
    ModuleUse,
    advise,
    explain,
    quadrant,
    score_modules,
    weights_for,
    zombie_reasons,
)

EMPTY_SHARE, MIN_SUBMISSIONS = 0.95, 20
PLACEMENTS_NOTE = (
    "放置该模块功能块的已发布治理场景（本范围内拥有或发布到本范围的场景），"
    "及各场景本期在本范围的打开次数和使用人数；“场景使用”指标按这些场景的打开次数之和计分"
)


def modules_in_use(session, root, period, now=None, placed=None):
    """[ModuleUse] for every loaded plugin enabled in, or used in, the subtree at ``root``
    (``placed``: ``block_placements`` at ``root`` when the caller already has them)."""
    app = current_app._get_current_object()
    gridwork = state_of(app)
    entries = [entry for entry in gridwork.host.loaded() if entry.name != "core"]
    facts = module_facts(gridwork, app.view_functions, entries)
    communities = figures.communities_under(session, root)
    current = figures.actions_by_plugin(session, root, period)
    previous = figures.actions_by_plugin(session, root, period.previous())
    users = figures.distinct_users(session, root, period)
    ratings = rating_figures(session, root, period, now or utcnow())
    placed = block_placements(app, session, root) if placed is None else placed
    scenarios = placements_with_use(session, root, period, placed)
    modules = []
    for entry in entries:
        enabled = figures.enabled_communities(session, entry.name, communities)
        actions, used = current.get(entry.name, (0, set()))
        if not enabled and not actions:
            continue
        fact = facts[entry.name]
        average, count, problems, unanswered = ratings.get(entry.name, (None, 0, 0, 0))
        modules.append(
            ModuleUse(
                entry.name, entry.title, enabled_nodes=len(enabled), used_nodes=len(used), actions=actions,
                users=users.get(entry.name, 0), weeks=period.weeks, previous_actions=previous.get(entry.name, (0,))[0],
                rating=average, ratings=count, problems=problems, unanswered=unanswered, openness=fact.openness,
                overlaps=list(fact.overlaps), event_links=fact.event_links,
                shares_services=bool(fact.shared.get("services")),
                placements=placed.get(entry.name, {}).get("scenarios", 0),
                placement_opens=sum(found["opens"] for found in scenarios.get(entry.name, [])),
                placed_scenarios=scenarios.get(entry.name, []),
            )
        )  # fmt: skip
    return modules, facts


def slimming_list(session, root, period, now=None):
    placed = block_placements(current_app, session, root)
    modules, facts = modules_in_use(session, root, period, now, placed)
    weights = weights_for(county_settings(session, root).weights)
    fields = figures.form_fields(session, root, period)
    notes = {m.plugin: suggestions(facts[m.plugin], fields.get(m.plugin, ())) + unopened(m) for m in modules}
    rows = build_rows(modules, weights, notes)
    reported = usage_figures(current_app, state_of().policy, root)  # each plugin's own "in use" figures
    for row in rows:
        row["reported_figures"] = reported.get(row["plugin"], {})
        row["placed_in"] = placed.get(row["plugin"], {}).get("titles", [])
    return {
        "period": {
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),  # the day after the last
            "last": (period.end - timedelta(days=1)).isoformat(),
            "label": period.label(),
        },
        "weights": weights,
        "formula": formula_text(weights),
        "placements_note": PLACEMENTS_NOTE,
        "modules": rows,
    }


def build_rows(modules, weights, advice_notes):
    normalised, scores = score_modules(modules, weights) if modules else ({}, {})
    rows = []
    for module in modules:
        reasons = zombie_reasons(module)
        advice = advise(module, reasons)
        where, value, fit = quadrant(normalised[module.plugin])
        rows.append(
            {
                "plugin": module.plugin, "title": module.title, "enabled_nodes": module.enabled_nodes,
                "used_nodes": module.used_nodes, "actions": module.actions, "users": module.users,
                "actions_per_user_week": round(module.intensity, 2), "trend": round(module.trend, 3),
                "previous_actions": module.previous_actions,
                "rating": None if module.rating is None else round(module.rating, 2), "ratings": module.ratings,
                "problems": module.problems, "unanswered_bad_ratings": module.unanswered,
                "openness": module.openness, "overlaps": module.overlaps, "placements": module.placements,
                "placement_opens": module.placement_opens, "placed_scenarios": module.placed_scenarios,
                "normalised": {name: round(v, 2) for name, v in normalised[module.plugin].items()},
                "score": round(scores[module.plugin], 2), "quadrant": where, "quadrant_title": QUADRANTS[where],
                "value_axis": round(value, 2), "fit_axis": round(fit, 2),
                "reasons": [REASONS[r] for r in reasons], "advice": advice, "advice_title": ADVICE[advice],
                "reason_text": explain(module), "suggestions": advice_notes.get(module.plugin, []),
            }
        )  # fmt: skip
    return sorted(rows, key=lambda row: row["score"])


def suggestions(fact, form_fields):
    """Improvement suggestions (边用边调) from use and from the manifest's declarations."""
    notes = []
    for form, field, shown, filled in sorted(form_fields):
        if shown >= MIN_SUBMISSIONS and (shown - filled) / shown > EMPTY_SHARE:
            notes.append(
                f"“{form}”中的“{field}”在 {(shown - filled) / shown:.0%} 的提交中没有填写（{shown} 次），可考虑删去"
            )
    for title, source in fact.prefill_from.items():
        notes.append(f"“{title}”可从“{source}”预填，不必再录一遍")
    if fact.unregistered:
        notes.append(f"模块清单声明的 {len(fact.unregistered)} 项数据共享没有实际注册，未计入数据开放")
    return notes


def unopened(module):
    """ "Blocks placed but never opened": the placing scenarios nobody opened in the period."""
    idle = [found["title"] for found in module.placed_scenarios if not found["opens"]]
    if not idle:
        return []
    return [f"放置了它的功能块的场景“{'”“'.join(idle[:5])}”本期无人打开，可考虑从场景中移除或调整"]


def formula_text(weights):
    used = [(INDICATORS[name][0], weight) for name, weight in weights.items() if weight]
    total = sum(weight for _title, weight in used)
    terms = " + ".join(f"{weight:g}×{title}" for title, weight in used)
    return (
        f"得分 = （{terms}）÷ {total:g}；各指标先在本县各模块间归一到 1–10 分"
        "（最低 1 分、最高 10 分，都一样时 5.5 分；重复和逾期差评越少分越高）"
    )
