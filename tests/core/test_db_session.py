"""The session's after-commit callbacks (``core.db.on_commit``): they run when the work is
really committed — not when a savepoint is released — and are dropped with the work a
rollback undoes, savepoint or not."""
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
