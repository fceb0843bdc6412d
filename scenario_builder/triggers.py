"""Running triggers (联动规则) through the event bus: when an event a block emits is published
at a node a published scenario reaches, each of the scenario's triggers on that event checks
its condition and calls the target block's action with the mapped input.

The bus delivers at least once; the unique (event, scenario, trigger) row of ``TriggerRun``
makes a redelivery a no-op. Each action runs in a savepoint, so one failing trigger is
recorded (with its error, for the scenario's admin and the 重试 button) while the others,
and the delivery itself, still succeed."""

import logging

from flask import current_app
from sqlmodel import select

from core.public import (
    ApiError,
    DataScope,
    MatchingHandler,
    block_offers,
    meter_use,
    record_audit,
    scope_of_model,
    system_query,
    utcnow,
    validate_or_raise,
)
from scenario_builder.models import Scenario, ScenarioBlock, ScenarioVersion, TriggerRun
from scenario_builder.permissions import PLUGIN

log = logging.getLogger(__name__)
HANDLER = f"{PLUGIN}.run_triggers"
ERROR_LENGTH = 300
EMITTED = "scenario_builder.emitted_events"  # app.extensions key: full names of events blocks emit


def handler():
    return MatchingHandler(HANDLER, on_event, PLUGIN, emitted_by_a_block)


def emitted_by_a_block(event_type):
    """Asked at every publish: only events some block declares can start a trigger. Computed
    once per app (blocks are fixed after start-up), so the check is a set lookup."""
    names = current_app.extensions.get(EMITTED)
    if names is None:
        names = current_app.extensions[EMITTED] = frozenset(
            f"{offer.plugin}.{event}" for offer in block_offers().values() for event in offer.entry.get("emits", [])
        )
    return event_type in names


def on_event(event, session):
    """The bus handler: run every matching trigger of every published scenario reaching the
    event's node, once per (event, scenario, trigger)."""
    offers = block_offers()
    for scenario, version, blocks in _published_reaching(session, event.org_path):
        for index, trigger in enumerate(version.content.get("triggers", [])):
            if _fires(trigger, blocks, event) and not _already_ran(session, event.id, scenario.id, index):
                target = blocks[trigger["then"]["block"]]
                run = TriggerRun(
                    event_id=event.id,
                    scenario_id=scenario.id,
                    version_number=version.number,
                    trigger_index=index,
                    org_path=event.org_path,
                    plugin=target.plugin,
                    block=target.block,
                    action=trigger["then"]["action"],
                    input=_mapped(trigger["then"], event.payload),
                )
                session.add(run)
                attempt(session, offers, run, scenario)


def attempt(session, offers, run, scenario, actor=""):
    """Run the action of ``run`` in a savepoint; record done or failed (and audit it)."""
    try:
        with session.begin_nested():
            call_action(offers, run, session)
        run.status, run.error = "done", ""
    except Exception as error:  # another plugin's code: record, never let it fail the delivery
        log.warning("scenario %s trigger %s failed", scenario.id, run.trigger_index, exc_info=True)
        run.status, run.error = "failed", _chinese_error(error)
    run.ran_at = utcnow()
    session.add(run)
    session.flush()
    record_audit(
        session,
        f"{PLUGIN}.trigger_ran" if run.status == "done" else f"{PLUGIN}.trigger_failed",
        actor=actor or "system",
        target=f"scenario:{scenario.id}",
        org_path=run.org_path,
        detail={"trigger": run.trigger_index + 1, "event": run.event_id, "action": f"{run.plugin}.{run.action}"},
    )
    return run


def call_action(offers, run, session):
    offer = offers.get((run.plugin, run.block))
    if offer is None:
        raise LookupError("目标功能块所属的功能模块未安装")
    action = offer.block.actions.get(run.action)
    if action is None:
        raise LookupError("目标功能块不再提供该动作")
    entry = next(a for a in offer.entry["actions"] if a["name"] == run.action)
    validate_or_raise(entry["input_schema"], run.input)
    action(run.input, {"session": session, "org_path": run.org_path, "event_id": run.event_id})
    # A block action counts as use of its plugin and of the scenario builder, as a request would.
    meter_use(offer.block.permission or f"{run.plugin}.{run.action}", run.org_path)
    meter_use(f"{PLUGIN}.use", run.org_path, scenario=run.scenario_id)


def _chinese_error(error):
    if isinstance(error, ApiError):
        return f"动作的输入无效：{error.detail}"[:ERROR_LENGTH]
    if isinstance(error, LookupError):
        return str(error)[:ERROR_LENGTH]
    return "动作执行出错，请稍后重试；多次失败请联系系统管理员"  # details are in the log, not for the admin


def _published_reaching(session, org_path):
    """[(scenario, published version, [ScenarioBlock by position])] whose targets reach ``org_path``."""
    statement = (
        select(Scenario, ScenarioVersion)
        .join(ScenarioVersion, ScenarioVersion.scenario_id == Scenario.id)
        .where(Scenario.status == "published", ScenarioVersion.number == Scenario.published_version)
    )
    found = session.exec(system_query(statement, "an event may start triggers of any scenario; filtered next"))
    answer = []
    for scenario, version in found:
        if version.content.get("triggers") and _reaches(version.content, org_path):
            blocks = session.exec(
                scope_of_model(
                    select(ScenarioBlock).where(ScenarioBlock.version_id == version.id),
                    DataScope((scenario.org_path,)),
                    ScenarioBlock,
                ).order_by(ScenarioBlock.position)
            ).all()
            answer.append((scenario, version, blocks))
    return answer


def _reaches(content, org_path):
    """Published to the event's node, or to a node above it with its subtree."""
    return any(
        org_path == target["org_path"] or (target["subtree"] and org_path.startswith(target["org_path"] + "/"))
        for target in content.get("published_to", [])
    )


def _fires(trigger, blocks, event):
    when = trigger["when"]
    if not 0 <= when["block"] < len(blocks) or not 0 <= trigger["then"]["block"] < len(blocks):
        return False
    if f"{blocks[when['block']].plugin}.{when['event']}" != event.type:
        return False
    return condition_holds(trigger.get("if"), event.payload)


def condition_holds(condition, payload):
    """equals / in / lt / gt on one payload field; a missing field never matches."""
    if condition is None:
        return True
    if condition["field"] not in payload:
        return False
    value, expected, op = payload[condition["field"]], condition["value"], condition["op"]
    if op == "equals":
        return value == expected
    if op == "in":
        return value in expected
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return False
    return value < expected if op == "lt" else value > expected


def _mapped(then, payload):
    """The action's input: the fixed values, then the fields taken from the event's payload."""
    taken = {key: payload[source] for key, source in then.get("mapping", {}).items() if source in payload}
    return {**then.get("values", {}), **taken}


def _already_ran(session, event_id, scenario_id, index):
    statement = select(TriggerRun.id).where(
        TriggerRun.event_id == event_id, TriggerRun.scenario_id == scenario_id, TriggerRun.trigger_index == index
    )
    return session.exec(system_query(statement, "the idempotency key is global, like the event id")).first()


def failed_runs(session, scenario):
    """The scenario's failed trigger runs, newest first (its admin's scope already checked)."""
    statement = scope_of_model(
        select(TriggerRun).where(TriggerRun.scenario_id == scenario.id, TriggerRun.status == "failed"),
        DataScope((scenario.org_path,)),
        TriggerRun,
    ).order_by(TriggerRun.ran_at.desc())
    return session.exec(statement).all()


def retry(session, actor, scenario, run_id):
    """Run a failed trigger again with the input it was given (the 重试 button)."""
    run = session.exec(
        scope_of_model(
            select(TriggerRun).where(TriggerRun.id == run_id, TriggerRun.scenario_id == scenario.id),
            DataScope((scenario.org_path,)),
            TriggerRun,
        )
    ).first()
    if run is None or run.status != "failed":
        return None
    run.attempts += 1
    record_audit(
        session,
        f"{PLUGIN}.trigger_retried",
        actor=actor.username,
        target=f"scenario:{scenario.id}",
        org_path=run.org_path,
        detail={"trigger": run.trigger_index + 1, "attempt": run.attempts},
    )
    return attempt(session, block_offers(), run, scenario, actor.username)
