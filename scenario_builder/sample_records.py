"""Sample records for the cross-tenant matrix (``gridwork_sample_records``): one scenario at
the tenant's node, titled with the marker, with a first version (the routes name
``scenario_id`` and ``number``). Only the test suite calls this; it writes the models."""

from scenario_builder.models import Scenario, ScenarioVersion


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
    session.flush()
    return {"scenario_id": scenario.id, "number": 1}
