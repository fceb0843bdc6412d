"""Database engine and sessions.

One engine per app (kept in ``app.extensions``); one SQLModel session per request,
closed at teardown. SQLite connections get WAL, a busy timeout, foreign keys and
``synchronous=FULL`` — a government register must not lose a committed record.
"""

from contextlib import contextmanager
from datetime import datetime
from functools import lru_cache

from flask import g, has_app_context
from sqlalchemy import event, text
from sqlalchemy.sql.util import find_tables
from sqlmodel import Session, SQLModel, create_engine

from core.state import state_of

AFTER_COMMIT = "gridwork.after_commit"
SCOPED = "gridwork_scoped"
UNSCOPED = "gridwork_unscoped"


class UnscopedQueryError(RuntimeError):
    """A tenant-scoped table was queried without a data scope: fail closed."""


class GridworkSession(Session):
    """A SQLModel session that refuses unscoped reads of tenant tables and runs
    after-commit callbacks (``on_commit``)."""


def on_commit(session, callback):
    """Run ``callback()`` once the session's current transaction commits (dropped on rollback).
    Inside a savepoint it waits for the outermost commit and is dropped if the savepoint
    rolls back."""
    session.info.setdefault(AFTER_COMMIT, []).append((_innermost(session), callback))


def _innermost(session):
    return session.get_nested_transaction() or session.get_transaction()


def _within(transaction, ancestor):
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False


@event.listens_for(GridworkSession, "after_commit")
def _run_commit_callbacks(session):
    if session.in_nested_transaction():  # a savepoint was released: nothing is committed yet
        return
    for _transaction, callback in session.info.pop(AFTER_COMMIT, []):
        callback()


@event.listens_for(GridworkSession, "after_rollback")
def _drop_commit_callbacks(session):
    if session.in_nested_transaction():  # only the savepoint's own work is gone
        ended = session.get_nested_transaction()
        kept = [entry for entry in session.info.get(AFTER_COMMIT, []) if not _within(entry[0], ended)]
        session.info[AFTER_COMMIT] = kept
        return
    session.info.pop(AFTER_COMMIT, None)
    session.info.pop("gridwork.policy_changed", None)  # the change it announced never happened


@event.listens_for(GridworkSession, "do_orm_execute")
def _fail_closed_without_scope(state):
    """Tables whose models declare ``__tenant_path_column__`` may only be read through
    ``core.tree.scope.scoped`` (or explicitly as system code with ``system_query``).
    Every table the statement touches counts — selected, joined, counted or in a
    subquery — not only the entities it returns."""
    if not state.is_select or state.execution_options.get(SCOPED) or state.execution_options.get(UNSCOPED):
        return
    if state.is_column_load:  # refreshing a row this session already loaded (through a scope)
        return
    tenant_tables = _tenant_table_names()
    for table in find_tables(state.statement, include_joins=True, include_selects=True, include_aliases=True):
        name = getattr(table, "name", None)
        if name in tenant_tables:
            raise UnscopedQueryError(f"查询 {name} 必须限定数据范围（data scope）。")


def _tenant_table_names():
    # Re-read when a plugin adds models; otherwise the cached set answers.
    return _tenant_tables(len(SQLModel._sa_registry.mappers))


@lru_cache(maxsize=8)
def _tenant_tables(_mapper_count):
    return frozenset(
        mapper.local_table.name
        for mapper in SQLModel._sa_registry.mappers
        if getattr(mapper.class_, "__tenant_path_column__", None)
    )


def system_query(statement, reason):
    """Mark a statement as system code that legitimately reads across tenants
    (login, session loading, CLI). ``reason`` documents why at the call site."""
    return statement.execution_options(**system_options(reason))


def system_options(reason):
    """The same mark as ``system_query`` for ``session.get(Model, id, execution_options=…)``."""
    return {UNSCOPED: reason}


def make_engine(url):
    kwargs = {}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": 30}
    else:
        kwargs.update(pool_pre_ping=True, pool_size=5, max_overflow=10)
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_conn, _record):
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA busy_timeout=30000")  # before WAL, so switching waits too
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def init_app(app):
    state_of(app).engine = make_engine(app.config["DATABASE_URL"])
    app.teardown_appcontext(_close_request_session)


def engine_of(app=None):
    return state_of(app).engine


def get_session():
    """The request's session (created on first use, closed at teardown)."""
    if "db_session" not in g:
        g.db_session = GridworkSession(engine_of(), expire_on_commit=False)
    return g.db_session


def _close_request_session(_exc):
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


@contextmanager
def session_scope(app=None):
    """A session outside a request (CLI, workers): commit on success, roll back on error."""
    with GridworkSession(engine_of(app), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def database_status():
    """``"ok"`` when a trivial query succeeds, else the error's class name."""
    try:
        with engine_of().connect() as conn:
            conn.execute(text("SELECT 1"))
        return "ok"
    except Exception as exc:  # health checks report, never raise
        return type(exc).__name__


def bulk_insert(session, table, rows):
    """INSERT ``rows`` (dicts with the same keys) into ``table`` with one driver-level
    ``executemany``, in the session's transaction.

    For imports of tens of thousands of rows, where SQLAlchemy's per-row parameter handling
    costs more than the database's work: the statement is compiled once, each column's own
    bind processor (JSON serialisation, datetime formatting — the same conversions a normal
    INSERT applies) runs once per distinct value of a column rather than once per row when
    the value repeats (timestamps of a batch, empty JSON lists and objects).
    """
    if not rows:
        return
    for guard in state_of().write_guards if has_app_context() else ():
        guard(session, table.name, rows)  # e.g. a frozen module's rows refused (core.lifecycle)
    connection = session.connection()
    dialect = connection.dialect
    keys = list(rows[0])
    compiled = _compiled_insert(table, tuple(keys), dialect)
    converters = {key: _converter(table.c[key].type.dialect_impl(dialect).bind_processor(dialect)) for key in keys}
    if compiled.positional:
        order = compiled.positiontup
        parameters = [tuple(converters[key](row[key]) for key in order) for row in rows]
    else:
        parameters = [{key: converters[key](row[key]) for key in keys} for row in rows]
    connection.exec_driver_sql(compiled.string, parameters)


@lru_cache(maxsize=256)
def _compiled_insert(table, keys, dialect):
    """Compiling the INSERT costs more than executing it for a save's twenty rows."""
    return table.insert().compile(dialect=dialect, column_keys=list(keys))


def _converter(processor):
    if processor is None:
        return lambda value: value
    memo = {}

    def convert(value):
        key = value if value is None or isinstance(value, datetime) else _empty_key(value)
        if key is _NOT_REPEATED:
            return processor(value)
        if key not in memo:
            memo[key] = processor(value)
        return memo[key]

    return convert


_NOT_REPEATED = object()


def _empty_key(value):
    """Empty lists and dicts repeat in nearly every row of an import (as do a batch's
    timestamps); other values mostly do not, and are converted each time."""
    if isinstance(value, list) and not value:
        return ("empty list",)
    if isinstance(value, dict) and not value:
        return ("empty dict",)
    return _NOT_REPEATED
