"""The columns of an import file: the template's Chinese headers, the other names people
give the same column, how a header row is matched to the register's fields, and reading
the file (the core's spreadsheet reader, with this import's limits).

A mapping is ``{header in the file: field}``; a field is a key of ``schemas/resident.json``,
``grid`` (a grid's name, a node's chain of names as exports write it, or an org path, resolved
under the node the import goes to) or
``extra.<key>`` (a county extra field).
"""

import unicodedata

from core.public import ApiError, read_spreadsheet

MAX_BYTES = 16 * 1024 * 1024
MAX_ROWS = 200_000
NO_HEADER = "文件里没有表头行：第一行应为“姓名”“身份证号”等列名（可下载模板参照）。"

# (header, field, what to write) — the template's columns, in order.
TEMPLATE_COLUMNS = (
    ("姓名", "name", "必填"),
    ("身份证号", "id_number", "18 位，半角数字，最后一位可以是 X；请把本列设为“文本”格式"),
    ("性别", "gender", "男 / 女；填了身份证号可不填"),
    ("出生日期", "birth_date", "如 1980-05-17；填了身份证号可不填"),
    ("联系电话", "phone", "手机 11 位，或固定电话“区号-号码”"),
    ("所属网格", "grid", "网格名称（如 第1网格；同名时写 东湖街道 › 幸福社区 › 第1网格）；不填为导入时选择的组织"),
    ("楼栋", "building", ""),
    ("单元", "unit", ""),
    ("房号", "room", ""),
    ("人口类型", "registration", "户籍人口 / 流动人口；不填为户籍人口"),
    ("状态", "status", "在住 / 迁出 / 死亡；不填为在住"),
    ("状态日期", "status_date", "迁出或死亡时必填"),
    ("标签", "tags", "多个标签用顿号或逗号分开；残疾写等级，如 残疾2级"),
    ("备注", "notes", ""),
)
TEMPLATE_HEADERS = tuple(header for header, _field, _hint in TEMPLATE_COLUMNS)
REQUIRED_FIELDS = ("name",)

# Other headers seen in community spreadsheets for the same columns.
SYNONYMS = {
    "name": ("名字", "居民姓名", "姓 名"),
    "id_number": ("身份证", "身份证号码", "公民身份号码", "证件号码", "身份证件号码"),
    "gender": ("性 别",),
    "birth_date": ("出生年月日", "生日", "出生年月"),
    "phone": ("电话", "手机", "手机号", "手机号码", "联系方式", "电话号码"),
    "grid": ("网格", "网格名称"),
    "building": ("楼号", "楼", "楼栋号"),
    "unit": ("单元号",),
    "room": ("门牌号", "室", "房间号"),
    "registration": ("户籍类型", "户籍", "户籍/流动"),
    "status": ("居住状态", "在住状态"),
    "status_date": ("迁出/死亡日期",),
    "tags": ("人员类别", "特殊人群", "人群标签"),
    "notes": ("说明",),
}


def normalize_header(header):
    """Headers compared without width, case or surrounding/inner spaces."""
    text = unicodedata.normalize("NFKC", str(header or ""))
    return "".join(text.split()).lower()


def known_fields(extra_schema):
    """Every field a column may be mapped to: ``{field: title}``."""
    found = {field: header for header, field, _hint in TEMPLATE_COLUMNS}
    for key, spec in (extra_schema or {}).get("properties", {}).items():
        found[f"extra.{key}"] = spec.get("title", key)
    return found


def suggest_mapping(headers, extra_schema=None):
    """``{header: field}`` for the headers recognised by title or synonym; others are left
    out (ignored unless the user maps them)."""
    names = {}
    for field, title in known_fields(extra_schema).items():
        for name in (title, *SYNONYMS.get(field, ())):
            names.setdefault(normalize_header(name), field)
    mapping, taken = {}, set()
    for header in headers:
        field = names.get(normalize_header(header))
        if field and field not in taken:
            mapping[header] = field
            taken.add(field)
    return mapping


def read_import_file(filename, content, headers_only=False):
    """The file as the core reads it (``.headers``, ``.rows`` with spreadsheet line
    numbers); 422 with pointer ``/file`` when it cannot be read or has no header row."""
    sheet = read_spreadsheet(filename, content, max_bytes=MAX_BYTES, max_rows=MAX_ROWS, headers_only=headers_only)
    if not sheet.headers:
        raise ApiError(422, NO_HEADER, pointer="/file")
    return sheet
