"""One record per org node and a route that reads one by id: what the cross-tenant matrix
needs a plugin to tell it (``gridwork_sample_records``). The tests create the table.
``FX_RECORDS_SKIP_SCOPE`` makes the route forget its scope check, the bug the matrix
exists to catch."""

from sqlalchemy import insert

from core.public import hookimpl
from fx_records import views
from fx_records.views import records  # noqa: F401  (the tests create the table through it)


@hookimpl
def gridwork_blueprints():
    return [views.api()]


@hookimpl
def gridwork_sample_records(session, org_path, marker):
    record_id = session.execute(insert(views.records).values(org_path=org_path, title=marker)).inserted_primary_key[0]
    return {"record_id": record_id}
