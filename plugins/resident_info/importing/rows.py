"""One row of an import file → one record for ``validate_resident``, with the problems found
on the way named by the file's own column header.

Spreadsheet cells arrive as text, numbers or dates; people write 男/女, 户籍人口, 2024/1/31
and "独居老人、残疾2级". This module turns that into the register's values and leaves every
rule about the values themselves to ``validate_resident`` — one set of rules for the form,
the API and the importer.
"""

import re
from datetime import date, datetime

from plugins.resident_info.register.validation import FIELDS, validate_resident

ENUM_FIELDS = ("gender", "registration", "status")
# Chinese titles (and short forms people type) → stored values.
WORDS = {field: {title: value for value, title in FIELDS[field]["x-enum-titles"].items()} for field in ENUM_FIELDS}
WORDS["gender"].update({"男性": "male", "女性": "female"})
WORDS["registration"].update({"户籍": "registered", "流动": "floating", "常住": "registered"})
WORDS["status"].update({"迁出": "moved_out", "死亡": "deceased", "在住": "living", "已故": "deceased"})
TAG_SEPARATORS = re.compile(r"[、,，;；/\s]+")
TAG_LEVEL = re.compile(r"^(?P<tag>.+?)[（(]?(?P<level>[1-4一二三四])级[)）]?$")
CHINESE_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4}
DATE_TEXT = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
MASKED_ID = "身份证号是脱敏后的（含 *），无法导入：脱敏导出的名单不能再导入，请填写完整号码。"
CELL_NOT_ACCEPTED = "这一格的内容不符合要求，请对照导入模板检查这一列（列是否错位、内容是否填对）。"
NUMBER_ID = "身份证号被表格存成了数字，末几位可能已丢失：请把该列设为“文本”格式，重新填写后再导入。"


class RowReader:
    """Reads rows for one import: the mapping (``{header: field}``), the node the import
    goes to and the grids under it (``{grid name: path}``), the county's extra fields."""

    def __init__(self, headers, mapping, target_path, grids, extra_schema, county_tags):
        self.columns = [
            (headers.index(header), header, field) for header, field in mapping.items() if field and header in headers
        ]
        self.header_of = {field: header for _index, header, field in self.columns}
        self.target_path, self.grids = target_path, grids
        self.extra_schema, self.county_tags = extra_schema, county_tags
        self.extra_types = {key: spec.get("type") for key, spec in (extra_schema or {}).get("properties", {}).items()}
        # (cell index, field, the function putting the cell into a record): chosen once per
        # import, not once per cell.
        self.putters = [(index, field, self._putter(field)) for index, _header, field in self.columns]

    def read(self, line, cells, today=None):
        """``(clean record, [])`` or ``(None, [problem, …])``; a problem is
        ``{"line", "column", "field", "reason"}``."""
        record, problems = {"org_path": self.target_path, "extra": {}}, []
        for index, field, put in self.putters:
            cell = cells[index] if index < len(cells) else None
            try:
                put(record, cell)
            except ValueError as reason:
                problems.append(self.problem(line, field, str(reason)))
        if not problems:
            clean, errors = validate_resident(record, self.extra_schema, county_tags=self.county_tags, today=today)
            problems = [self.problem(line, _field_of(error["pointer"]), error["detail"]) for error in errors]
        return (None if problems else clean), [_without_cell_values(problem, cells) for problem in problems]

    def _putter(self, field):
        if field == "grid":
            return lambda record, cell: record.__setitem__("org_path", self._grid_path(_text(cell)))
        if field.startswith("extra."):
            key = field.split(".", 1)[1]
            return lambda record, cell: _put_extra(record, key, _extra_value(cell, self.extra_types.get(key)))
        convert = _CONVERTERS.get(field)
        if convert is None and field in ENUM_FIELDS:
            convert = lambda cell: _choice(field, _text(cell))  # noqa: E731
        return lambda record, cell: record.__setitem__(field, (convert or _text)(cell))

    def _grid_path(self, text):
        if not text:
            return self.target_path
        if "/" in text:
            if text == self.target_path or text.startswith(self.target_path + "/"):
                return text
            raise ValueError("该行的网格不在本次导入的组织范围内。")
        paths = self.grids.get(text, [])
        if len(paths) == 1:
            return paths[0]
        if not paths:
            raise ValueError("本次导入的组织下没有这个名称的网格，请检查“网格”列。")
        chain = next((key for key, found in self.grids.items() if found == [paths[0]] and "›" in key), "")
        example = f"（如“{chain}”）" if chain else ""
        raise ValueError(f"有 {len(paths)} 个网格同名，请填写从街道起的完整名称{example}。")

    def name_of(self, cells):
        """The row's name cell if it reads as a name — at most 30 characters, at most 3 digits
        (a shifted file's ID number or phone never passes): what the report shows to find
        the row by."""
        index = next((index for index, field, _put in self.putters if field == "name"), None)
        cell = cells[index] if index is not None and index < len(cells) else None
        text = str(cell).strip() if cell is not None else ""
        return text if len(text) <= 30 and sum(ch.isdigit() for ch in text) < 4 else ""

    def problem(self, line, field, reason):
        column = self.header_of.get(field) or self.header_of.get("grid" if field == "org_path" else "") or ""
        return {"line": line, "column": column, "field": field, "reason": reason}


def _without_cell_values(problem, cells):
    """The report is stored and a street admin may download it: a reason that contains any
    cell of its row (an ID number in the 性别 column of a shifted file, say), whatever rule
    wrote it, becomes the column's plain reason. Cells of up to 3 characters (男, 14, 3号楼)
    are left: they are in the reasons' own words ("应为：男、女", "第 7–14 位")."""
    reason = problem["reason"]
    texts = (str(cell).strip() for cell in cells if cell is not None)
    if any(len(text) > 3 and text in reason for text in texts):
        return {**problem, "reason": CELL_NOT_ACCEPTED}
    return problem


def _put_extra(record, key, value):
    if value is not None:
        record["extra"][key] = value


def _field_of(pointer):
    parts = pointer.strip("/").split("/")
    return f"extra.{parts[1]}" if parts[0] == "extra" and len(parts) > 1 else parts[0]


def _text(cell):
    """A cell as text; numbers without a trailing ".0" (a building "3" read as 3.0)."""
    if cell is None:
        return None
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    text = str(cell)
    return text if text.strip() else None


def _id_text(cell):
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        raise ValueError(NUMBER_ID)
    text = _text(cell)
    if text and "*" in text:
        raise ValueError(MASKED_ID)
    return text


def _choice(field, text):
    if text is None:
        return None if field == "gender" else FIELDS[field]["enum"][0]
    value = WORDS[field].get(text.strip(), text.strip() if text.strip() in FIELDS[field]["enum"] else None)
    if value is None:
        allowed = "、".join(FIELDS[field]["x-enum-titles"].values())
        raise ValueError(f"{FIELDS[field]['title']}无法识别，应为：{allowed}。")
    return value


def _date_text(cell):
    """Excel dates, ``2024-01-31``, ``2024/1/31``, ``2024.1.31``, ``2024年1月31日``,
    ``20240131`` → ``2024-01-31``; anything else is left for the validator to refuse."""
    if isinstance(cell, datetime):
        return cell.date().isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    text = _text(cell)
    if text is None:
        return None
    text = text.strip()
    found = DATE_TEXT.match(text)
    if found:
        return f"{found.group(1)}-{int(found.group(2)):02d}-{int(found.group(3)):02d}"
    if len(text) == 8 and text.isascii() and text.isdigit():
        return f"{text[:4]}-{text[4:6]}-{text[6:]}"
    return text


def parse_tags(text):
    """``"独居老人、残疾2级"`` → ``[{"tag": "独居老人"}, {"tag": "残疾", "level": 2}]``."""
    tags = []
    for word in TAG_SEPARATORS.split(text or ""):
        if not word:
            continue
        found = TAG_LEVEL.match(word)
        if found:
            level = found.group("level")
            tags.append({"tag": found.group("tag"), "level": CHINESE_DIGITS.get(level) or int(level)})
        else:
            tags.append({"tag": word})
    return tags


def _extra_value(cell, kind):
    text = _text(cell)
    if text is None:
        return None
    kinds = kind if isinstance(kind, list) else [kind]
    if "boolean" in kinds and text.strip() in ("是", "否", "true", "false"):
        return text.strip() in ("是", "true")
    if "integer" in kinds and text.strip().lstrip("-").isdigit():
        return int(text.strip())
    if "number" in kinds:
        try:
            return float(text.strip())
        except ValueError:
            pass
    return text.strip() if isinstance(cell, str) or "string" in kinds else cell


# Per field, how a cell becomes the record's value (enum fields: ``_choice``; others: text).
_CONVERTERS = {
    "birth_date": lambda cell: _date_text(cell),
    "status_date": lambda cell: _date_text(cell),
    "id_number": lambda cell: _id_text(cell),
    "phone": lambda cell: str(cell) if isinstance(cell, int) else _text(cell),
    "tags": lambda cell: parse_tags(_text(cell)),
}
