"""Sample records for the cross-tenant matrix (``gridwork_sample_records``): one scenario at
the tenant's node, titled with the marker, with a first version and a failed trigger run
(the routes name ``scenario_id``, ``number``, ``source_id`` — a scenario offered from above —
``run_id`` and a template's ``key``). Only the test suite calls this; it writes the models."""

from scenario_builder.models import Scenario, ScenarioVersion, TriggerRun
from scenario_builder.starters import STARTERS


def create_sample_records(session, org_path, marker):
    scenario = Scenario(
        org_path=org_path, title=marker[:60], created_by=marker, status="published", published_version=1
    )
    session.add(scenario)
    session.flush()
    content = {
        "title": marker[:60],
        "description": marker,
        "icon": "",
        "triggers": [],
        "published_to": [{"org_path": org_path, "subtree": True}],
        "packages": ["grid_feedback_worker"],
    }
    session.add(ScenarioVersion(scenario_id=scenario.id, org_path=org_path, number=1, content=content, saved_by=marker))
    run = TriggerRun(
        event_id=marker[:32],
        scenario_id=scenario.id,
        version_number=1,
        trigger_index=0,
        org_path=org_path,
        plugin="scenario_builder",
        block=marker[:61],
        action=marker[:61],
        input={"marker": marker},
        status="failed",
        error=marker[:300],
    )
    session.add(run)
    session.flush()
    return {
        "scenario_id": scenario.id,
        "number": 1,
        "source_id": scenario.id,
        "run_id": run.id,
        "key": next(iter(STARTERS)),
        "choice": "accept",
    }
