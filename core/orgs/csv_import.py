"""Import org nodes from a spreadsheet (批量导入组织架构): check every row, then store all or
nothing.

Columns ``id,parent_id,kind,name`` or ``编号,上级编号,类型,名称`` (any order). The file is
read by ``core.spreadsheets.read``: CSV in UTF-8 (with or without BOM) or GB18030, comma or
tab separated, or .xlsx (first sheet). A parent is an existing node inside the importer's
write scope, or a row earlier in the file. Kinds may be written in English or Chinese.

Root rows (empty parent) create counties: the API refuses them (``allow_roots=False``);
system callers such as a CLI pass ``allow_roots=True`` with ``service.whole_tree_scope``.
Errors name the line as a spreadsheet shows it: the header is line 1.
"""

import csv
import io
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from core.api.errors import ServiceError
from core.audit.chain import record_audit
from core.db import system_query
from core.orgs.service import ID_RULE, add_node, clean_name, is_node_id, kind_title, new_node_id
from core.spreadsheets.read import cell_text, read_spreadsheet
from core.tree.models import OrgNode
from core.tree.paths import KIND_TITLES, KINDS, child_kind
from core.tree.scope import scope_of_model

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 10_000
MAX_REPORTED_ERRORS = 200
FIELDS = ("id", "parent_id", "kind", "name")
HEADERS = {
    "id": "id",
    "编号": "id",
    "parent_id": "parent_id",
    "上级编号": "parent_id",
    "kind": "kind",
    "类型": "kind",
    "name": "name",
    "名称": "name",
}
TEMPLATE_HEADER = ("编号", "上级编号", "类型", "名称")
TEMPLATE_EXAMPLE = ("m_new01", "s01", "社区/村", "示例社区")
NO_ROWS = "文件中没有数据行：第 1 行是表头（编号,上级编号,类型,名称），从第 2 行起每行一个节点。"
_CHUNK = 500
_KIND_WORDS = {
    **{kind: kind for kind in KINDS},
    **{title: kind for kind, title in KIND_TITLES.items()},
    **{part: kind for kind, title in KIND_TITLES.items() for part in title.split("/")},
}


class ImportRefused(Exception):
    """Nothing was stored; ``errors`` is ``[{line, column, reason}]`` in file order."""

    def __init__(self, errors):
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors


@dataclass
class Row:
    line: int
    values: dict  # field -> stripped cell text
    headers: dict  # field -> the column title as written in the file


def template_csv():
    """The downloadable template: BOM (so Excel reads UTF-8), Chinese headers, one example."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows([TEMPLATE_HEADER, TEMPLATE_EXAMPLE])
    return "\ufeff" + out.getvalue()


def kind_from_text(text):
    return _KIND_WORDS.get(text.strip().lower())


def import_csv(db, editor, data, *, allow_roots=False, filename=""):
    """Check every row of ``data`` (the file's bytes, or CSV text), then insert them all;
    returns the count. Raises ImportRefused (nothing stored) when any row is wrong.
    ``filename`` only sharpens the message for a broken .xlsx."""
    rows = parse(data, filename)
    errors = check_rows(db, editor.scope, rows, allow_roots)
    if errors:
        raise ImportRefused(errors[:MAX_REPORTED_ERRORS])
    created = store_rows(db, editor.scope, rows)
    record_audit(
        db,
        "core.org_imported",
        actor=editor.username,
        target="org:import",
        ip=editor.ip,
        org_path=_common_ancestor([node.path.rpartition("/")[0] or node.path for node in created]),
        detail={"count": len(created), "ids": [node.id for node in created[:50]]},
    )
    return len(created)


# ---------------------------------------------------------------- reading the file


def parse(data, filename=""):
    """The data rows, each with its line number; ImportRefused for file-level problems."""
    content = data.encode("utf-8") if isinstance(data, str) else data
    try:
        sheet = read_spreadsheet(filename, content, max_bytes=MAX_BYTES, max_rows=MAX_ROWS)
    except ServiceError as refused:  # empty, too large, unreadable: one reason for the whole file
        raise ImportRefused([_error(1, "", refused.detail)]) from None
    headers = _read_header(sheet.headers, sheet.header_line) if sheet.headers else None
    if not sheet.rows:
        raise ImportRefused([_error(1, "", NO_ROWS)])
    errors = []
    rows = [_read_row([cell_text(cell) for cell in cells], line, headers, errors) for line, cells in sheet.rows]
    if errors:
        raise ImportRefused(errors[:MAX_REPORTED_ERRORS])
    return rows


def _read_header(cells, line):
    """{field: (index, title as written)}; ImportRefused when columns are missing or unknown."""
    found, errors = {}, []
    for index, title in enumerate(cell.strip() for cell in cells):
        field = HEADERS.get(title.lower()) or HEADERS.get(title)
        if field is None:
            errors.append(_error(line, title, f"无法识别的列“{title}”，表头应为：编号,上级编号,类型,名称。"))
        elif field in found:
            errors.append(_error(line, title, f"列“{title}”重复出现。"))
        else:
            found[field] = (index, title)
    for field, title in zip(FIELDS, TEMPLATE_HEADER):
        if field not in found:
            errors.append(_error(line, title, f"缺少“{title}”列。"))
    if errors:
        raise ImportRefused(errors)
    return found


def _read_row(cells, line, headers, errors):
    if len(cells) > len(headers) and any(cell.strip() for cell in cells[len(headers) :]):
        errors.append(
            _error(line, "", f"本行有 {len(cells)} 列，多于表头的 {len(headers)} 列（名称中的逗号请用引号括起）。")
        )
    values = {field: cells[index].strip() if index < len(cells) else "" for field, (index, _t) in headers.items()}
    return Row(line, values, {field: title for field, (_i, title) in headers.items()})


# ---------------------------------------------------------------- checking the rows


def check_rows(db, scope, rows, allow_roots):
    """Every problem of every row, as ``[{line, column, reason}]``; empty when all is well."""
    file_ids = _first_lines(rows)
    taken = _existing_ids(db, list(file_ids))
    outside = [row.values["parent_id"] for row in rows if row.values["parent_id"] not in file_ids]
    parents = {node.id: node.kind for node in _nodes_in_scope(db, scope, outside)}
    seen, errors = {}, []
    for row in rows:
        kind = _check_row(row, file_ids, taken, errors)
        parent_kind = _check_parent(row, kind, file_ids, seen, parents, allow_roots, errors)
        if kind and parent_kind and child_kind(parent_kind) != kind:
            errors.append(_nesting_error(row, parent_kind, kind))
        if row.values["id"] and row.values["id"] not in seen:
            seen[row.values["id"]] = kind
    return sorted(errors, key=lambda error: error["line"])


def _check_row(row, file_ids, taken, errors):
    """Check id, kind and name; returns the kind when it is readable."""
    node_id, headers = row.values["id"], row.headers
    if node_id and not is_node_id(node_id):
        errors.append(_error(row.line, headers["id"], f"编号“{node_id}”格式不正确：{ID_RULE}"))
    elif node_id and file_ids[node_id] != row.line:
        errors.append(_error(row.line, headers["id"], f"编号“{node_id}”与第 {file_ids[node_id]} 行重复。"))
    elif node_id in taken:
        errors.append(_error(row.line, headers["id"], f"编号“{node_id}”已被占用，请换一个。"))
    kind = kind_from_text(row.values["kind"]) if row.values["kind"] else None
    if not row.values["kind"]:
        errors.append(_error(row.line, headers["kind"], "类型不能为空。"))
    elif kind is None:
        errors.append(
            _error(
                row.line,
                headers["kind"],
                f"无法识别的类型“{row.values['kind']}”，应为 县/区、街道/乡镇、社区/村 或 网格。",
            )
        )
    try:
        clean_name(row.values["name"])
    except ServiceError as error:
        errors.append(_error(row.line, headers["name"], error.detail))
    return kind


def _check_parent(row, kind, file_ids, seen, parents, allow_roots, errors):
    """The parent's kind when known; records why the parent is unacceptable otherwise."""
    parent_id, column = row.values["parent_id"], row.headers["parent_id"]
    if not parent_id:
        if not allow_roots:
            errors.append(
                _error(
                    row.line,
                    column,
                    "上级编号不能为空：导入不能新建县/区（根节点），县/区由管理员用 gridwork 命令创建。",
                )
            )
        elif kind and kind != "county":
            errors.append(_error(row.line, column, f"没有上级编号的行只能是“县/区”，本行是“{kind_title(kind)}”。"))
        return None
    if parent_id == row.values["id"]:
        errors.append(_error(row.line, column, "上级编号不能是本行自己的编号。"))
        return None
    if parent_id in seen:
        return seen[parent_id]
    if parent_id in file_ids:
        errors.append(
            _error(
                row.line, column, f"上级编号“{parent_id}”在第 {file_ids[parent_id]} 行才出现，上级必须写在下级之前。"
            )
        )
        return None
    if parent_id not in parents:
        errors.append(_error(row.line, column, f"上级节点“{parent_id}”不存在，或不在您的管理范围内。"))
        return None
    return parents[parent_id]


def _nesting_error(row, parent_kind, kind):
    expected = child_kind(parent_kind)
    if expected is None:
        reason = "上级是网格：网格是最末一级，不能再有下级节点。"
    else:
        reason = f"“{kind_title(parent_kind)}”下只能是“{kind_title(expected)}”，不能是“{kind_title(kind)}”。"
    return _error(row.line, row.headers["kind"], reason)


def _first_lines(rows):
    first = {}
    for row in rows:
        if row.values["id"]:
            first.setdefault(row.values["id"], row.line)
    return first


def _existing_ids(db, ids):
    found = set()
    for start in range(0, len(ids), _CHUNK):
        statement = select(OrgNode.id).where(OrgNode.id.in_(ids[start : start + _CHUNK]))
        found.update(db.exec(system_query(statement, "node ids are global: uniqueness spans every county")).all())
    return found


def _nodes_in_scope(db, scope, ids, lock=False):
    ids = sorted({node_id for node_id in ids if is_node_id(node_id)})
    nodes = []
    for start in range(0, len(ids), _CHUNK):
        statement = scope_of_model(select(OrgNode).where(OrgNode.id.in_(ids[start : start + _CHUNK])), scope, OrgNode)
        # Id order: two imports locking the same parents cannot deadlock.
        if lock:
            statement = statement.order_by(OrgNode.id).with_for_update().execution_options(populate_existing=True)
        nodes.extend(db.exec(statement).all())
    return nodes


def _error(line, column, reason):
    return {"line": line, "column": column, "reason": reason}


# ---------------------------------------------------------------- storing


def store_rows(db, scope, rows):
    """Insert the (already checked) rows in file order; returns the new nodes. Existing
    parents are re-read locked, so a concurrent move cannot leave a new node on an old path."""
    parent_ids = [row.values["parent_id"] for row in rows]
    by_id = {node.id: node for node in _nodes_in_scope(db, scope, parent_ids, lock=True)}
    reserved = set(_first_lines(rows))
    created = []
    for row in rows:
        kind = kind_from_text(row.values["kind"])
        node_id = row.values["id"] or new_node_id(db, kind, reserved)
        reserved.add(node_id)
        node = add_node(db, node_id, kind, clean_name(row.values["name"]), by_id.get(row.values["parent_id"]))
        by_id[node_id] = node
        created.append(node)
    try:
        db.flush()
    except IntegrityError:  # an id was taken by someone else since the check
        raise ImportRefused(
            [_error(1, "", "导入期间有编号被他人占用（可能有人同时导入），未导入任何数据，请重新上传。")]
        )
    return created


def _common_ancestor(paths):
    """The deepest path every one of ``paths`` lies at or under ("" when they share none)."""
    split = [path.split("/") for path in paths]
    common = []
    for parts in zip(*split):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    return "/".join(common)
