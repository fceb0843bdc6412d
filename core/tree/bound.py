"""Plugin data that hangs off the org tree (DESIGN: "org-bound data").

A plugin declares, in its manifest's ``tables``, which of its tables carry an org path
(``org_path_column``) and, where it keeps one, the county's path beside it
(``county_path_column``). The core then keeps those rows with their node: a move or merge
rewrites them in the same transaction as the nodes, a node that still holds any is not
deleted, and the same list serves retirement previews, exports and purges.

The core keeps one such table itself, ``core_attachment`` (``CORE_BOUND_TABLES``): its rows
belong to the plugin named in their ``plugin`` column (``owner_column``), so a plugin's
declared data (``records_by_plugin``) counts its attachments too.
"""

from dataclasses import dataclass

from sqlalchemy import String, column, func, literal, select, table, update
from sqlalchemy.exc import IntegrityError

from core.api.errors import ServiceError
from core.db import system_query

ORG_MOVE = "gridwork_org_move"  # execution option: rows moving with their node are no record change (core.lifecycle)


@dataclass(frozen=True)
class OrgBoundTable:
    plugin: str
    plugin_title: str
    name: str
    path_column: str
    county_column: str | None = None
    description: str = ""
    personal_data: bool = False
    owner_column: str | None = None  # a core table shared by plugins: the column naming each row's plugin

    def sql_table(self):
        columns = [column(self.path_column, String)]
        for extra in filter(None, (self.county_column, self.owner_column)):
            columns.append(column(extra, String))
        return table(self.name, *columns)


CORE_BOUND_TABLES = (
    OrgBoundTable(
        plugin="core",
        plugin_title="照片和附件",
        name="core_attachment",
        path_column="org_path",
        description="上传的照片和证明材料",
        personal_data=True,
        owner_column="plugin",
    ),
)


def at_or_under(path_column, prefix):
    return (path_column == prefix) | path_column.startswith(prefix + "/", autoescape=True)


def rewrite_bound_paths(db, tables, old_prefix, new_prefix):
    """Rows at or under ``old_prefix`` move to ``new_prefix``; returns {table: rows}. A
    rewrite that would make two rows collide (a merge of two nodes that both hold the same
    record) refuses the whole change with a 409 naming the plugin."""
    moved = {}
    for bound in tables:
        sql = bound.sql_table()
        path = sql.c[bound.path_column]
        values = {bound.path_column: literal(new_prefix, String) + func.substr(path, len(old_prefix) + 1)}
        if bound.county_column:
            values[bound.county_column] = new_prefix.split("/")[0]
        try:  # no savepoint: the caller rolls the whole change back on a refusal
            statement = update(sql).where(at_or_under(path, old_prefix)).values(values)
            moved[bound.name] = db.exec(statement.execution_options(**{ORG_MOVE: True})).rowcount
        except IntegrityError:
            raise ServiceError(
                409,
                f"这样调整会使“{bound.plugin_title}”的记录（{bound.description or bound.name}）"
                "在目标节点重复，未做任何修改。请先处理重复的记录。",
            ) from None
    return moved


def records_at_or_under(db, tables, path):
    """[(OrgBoundTable, count)] of the tables holding rows at ``path`` or below it."""
    held = []
    for bound in tables:
        sql = bound.sql_table()
        statement = select(func.count()).select_from(sql).where(at_or_under(sql.c[bound.path_column], path))
        count = db.exec(system_query(statement, "the caller checked the node is in its scope")).one()[0]
        if count:
            held.append((bound, count))
    return held


def records_by_plugin(db, tables, path):
    """{plugin: {table: count}} of the rows at ``path`` or below it, each counted for the
    plugin that owns it — a shared core table's rows (attachments) for the plugin named in
    their ``owner_column``. What a plugin's export or retirement preview lists."""
    found = {}
    for bound in tables:
        sql = bound.sql_table()
        where = at_or_under(sql.c[bound.path_column], path)
        if bound.owner_column:
            owner = sql.c[bound.owner_column]
            statement = select(owner, func.count()).select_from(sql).where(where).group_by(owner)
        else:
            statement = select(literal(bound.plugin, String), func.count()).select_from(sql).where(where)
        for plugin, count in db.exec(system_query(statement, "counts for a preview of the caller's node")).all():
            if count:
                found.setdefault(plugin, {})[bound.name] = count
    return found
