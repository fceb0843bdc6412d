"""One row by id, answered only inside a data scope: 404 for a missing row and for another
tenant's alike (never say which)."""

from core.public import not_found, system_options


def get_in_scope(db, model, record_id, scope):
    record = db.get(model, record_id, execution_options=system_options("the scope is checked right after"))
    if record is None or not scope.covers(record.org_path):
        raise not_found()
    return record
