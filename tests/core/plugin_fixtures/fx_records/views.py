"""fx_records' one route: a record by id, inside the reader's scope (unless
``FX_RECORDS_SKIP_SCOPE`` says to forget the check)."""

from flask import current_app
from sqlalchemy import Column, Integer, MetaData, String, Table, select

from core.public import api_blueprint, api_route, current_actor, get_session, not_found, require, scope_for

READ = "fx_records.read"
records = Table(
    "fx_records_record",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("org_path", String(300)),
    Column("title", String(200)),
)


def api():
    bp = api_blueprint("fx_records_api", __name__)

    @api_route(bp, "/fx_records/records/<int:record_id>", summary="一条测试台账", tags=["fx_records"])
    @require(READ)
    def get_record(record_id):
        row = get_session().execute(select(records).where(records.c.id == record_id)).first()
        skip_scope = current_app.config.get("FX_RECORDS_SKIP_SCOPE")
        if row is None or not (skip_scope or scope_for(current_actor, READ).covers(row.org_path)):
            raise not_found()
        return {"id": row.id, "org_path": row.org_path, "title": row.title}

    return bp
