"""The session's after-commit callbacks (``core.db.on_commit``): they run when the work is
really committed — not when a savepoint is released — and are dropped with the work a
rollback undoes, savepoint or not."""

from datetime import UTC

from core.db import GridworkSession, engine_of, on_commit


def test_a_callback_runs_after_the_outer_commit_not_when_a_savepoint_is_released(app):
    ran = []
    with app.app_context(), GridworkSession(engine_of(app)) as session:
        session.begin()
        with session.begin_nested():
            on_commit(session, lambda: ran.append("inner"))
        assert ran == [], "released savepoint: nothing is committed yet"
        session.commit()
    assert ran == ["inner"]


def test_a_rolled_back_savepoint_drops_only_its_own_callbacks(app):
    ran = []
    with app.app_context(), GridworkSession(engine_of(app)) as session:
        session.begin()
        on_commit(session, lambda: ran.append("outer"))
        savepoint = session.begin_nested()
        on_commit(session, lambda: ran.append("rolled back"))
        with session.begin_nested():
            on_commit(session, lambda: ran.append("inside the rolled back one"))
        savepoint.rollback()
        session.commit()
    assert ran == ["outer"]


def test_a_rollback_drops_every_callback(app):
    ran = []
    with app.app_context(), GridworkSession(engine_of(app)) as session:
        session.begin()
        on_commit(session, lambda: ran.append("never"))
        session.rollback()
        session.begin()
        session.commit()
    assert ran == []


def test_bulk_insert_stores_what_a_normal_insert_stores(app):
    """The driver-level fast path applies the columns' own conversions: JSON, aware
    datetimes, dates and NULLs read back exactly as the same rows inserted normally."""
    from datetime import date, datetime, timedelta

    from sqlalchemy import JSON, Column, Date, DateTime, Integer, MetaData, String, Table, insert, select

    from core.db import bulk_insert

    table = Table(
        "test_bulk_rows",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("name", String(20)),
        Column("born", Date),
        Column("at", DateTime(timezone=True)),
        Column("data", JSON),
    )
    start = datetime(2026, 11, 21, 8, 30, 15, 123456, tzinfo=UTC)
    rows = [
        {
            "name": f"居民{n}" if n % 3 else None,
            "born": date(1950, 1, 1) + timedelta(days=n),
            "at": start,
            "data": [] if n % 2 else {"tags": ["独居老人"], "n": n},
        }
        for n in range(6)
    ]
    with app.app_context(), GridworkSession(engine_of(app)) as session:
        table.create(session.connection())
        try:
            bulk_insert(session, table, [{"id": n + 1, **row} for n, row in enumerate(rows)])
            session.execute(insert(table), [{"id": n + 101, **row} for n, row in enumerate(rows)])
            stored = [dict(row._mapping) for row in session.execute(select(table).order_by(table.c.id))]
        finally:
            session.rollback()
            table.drop(engine_of(app), checkfirst=True)
    bulk, normal = stored[:6], stored[6:]
    assert [{**row, "id": 0} for row in bulk] == [{**row, "id": 0} for row in normal]
    assert [row["data"] for row in bulk] == [row["data"] for row in rows] and bulk[0]["born"] == rows[0]["born"]
