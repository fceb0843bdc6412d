"""The demo's import file (``<instance>/demo-residents-import.xlsx``): 200 rows of people
new to 幸福社区, in the import template's columns, for a visitor to import.

Like any real spreadsheet it is not perfect. Exactly three rows are wrong, each in its own
way, and one row repeats the ID number of an earlier row (the same person entered twice,
with another phone). The lines below are spreadsheet line numbers (line 1 is the header).
Everyone in it is new: their ID sequence numbers (digits 15–17) are ones the demo's
register never uses, and they live in buildings the register leaves empty.
"""

from core.public import xlsx_bytes
from plugins.resident_info.demo.households import BUILDINGS_PER_GRID, Place, plan_households
from plugins.resident_info.demo.people import IMPORT_FILE_SEQUENCES, PeopleMaker
from plugins.resident_info.importing.columns import TEMPLATE_HEADERS
from plugins.resident_info.register.ids import CHECK_CHARACTERS

FILENAME = "demo-residents-import.xlsx"
SEED = 20250701
ROWS = 200
DEMO_COMMUNITY = "幸福社区"
DEMO_GRIDS = ("第1网格", "第2网格", "第3网格")
# Line numbers of the deliberately bad rows, by the mistake each one holds.
BAD_LINES = {"wrong_check_character": 24, "full_width_digits": 88, "mobile_of_10_digits": 143}
DUPLICATE_LINES = (46, 172)  # the second repeats the first one's ID number
ID_COLUMN, PHONE_COLUMN = TEMPLATE_HEADERS.index("身份证号"), TEMPLATE_HEADERS.index("联系电话")
GENDERS = {"male": "男", "female": "女"}
REGISTRATIONS = {"registered": "户籍人口", "floating": "流动人口"}
_FULL_WIDTH = {ord(c): ord(c) + 0xFEE0 for c in "0123456789X"}


def demo_import_rows(community=DEMO_COMMUNITY, grid_names=DEMO_GRIDS):
    """``(headers, rows)``: the template's headers and 200 rows of text cells."""
    maker = PeopleMaker(SEED, IMPORT_FILE_SEQUENCES)
    first_new = BUILDINGS_PER_GRID * len(grid_names) + 1  # the register fills buildings 1 … 4 × grids
    places = [
        Place(None, grid, community, (f"{first_new + 2 * index}号楼", f"{first_new + 2 * index + 1}号楼"))
        for index, grid in enumerate(grid_names)
    ]
    plans = plan_households(maker, places, ROWS + 20)  # some of them moved away: not in the file
    people = [(plan, member) for plan in plans for member in plan.members if member.status == "living"]
    alone = next(member for _plan, member in people if member.has("独居老人"))
    alone.tag("残疾", 2)  # at least one cell with two tags and a level: "独居老人、残疾2级"
    rows = [_row(plan, member) for plan, member in people[: ROWS - 1]]
    _spoil(rows, maker)
    first, second = (line - 2 for line in DUPLICATE_LINES)
    twice = list(rows[first])
    twice[PHONE_COLUMN] = maker.mobile()
    rows.insert(second, twice)
    return list(TEMPLATE_HEADERS), rows


def demo_import_xlsx(community=DEMO_COMMUNITY, grid_names=DEMO_GRIDS):
    """The file's bytes; the ID and phone columns are text, so Excel keeps every digit."""
    headers, rows = demo_import_rows(community, grid_names)
    return xlsx_bytes(headers, rows, title="居民信息", text_columns=[ID_COLUMN, PHONE_COLUMN])


def _row(plan, member):
    values = {
        "姓名": member.name,
        "身份证号": member.id_number,
        "性别": GENDERS[member.gender],
        "出生日期": member.birth_date.isoformat(),
        "联系电话": member.phone or "",
        "所属网格": plan.place.grid_name,
        "楼栋": plan.building,
        "单元": plan.unit or "",
        "房号": plan.room,
        "人口类型": REGISTRATIONS[member.registration],
        "状态": "在住",
        "状态日期": "",
        "标签": "、".join(tag_text(entry) for entry in member.tags),
        "备注": member.notes,
    }
    return [values[header] for header in TEMPLATE_HEADERS]


def tag_text(entry):
    """``残疾2级`` for a tag with a level, the tag's name otherwise."""
    return f"{entry['tag']}{entry['level']}级" if entry.get("level") else entry["tag"]


def _spoil(rows, maker):
    """The three mistakes (lines are 1-based with the header, rows 0-based without it)."""
    wrong = rows[BAD_LINES["wrong_check_character"] - 2]
    number = wrong[ID_COLUMN]
    wrong[ID_COLUMN] = number[:17] + CHECK_CHARACTERS[(CHECK_CHARACTERS.index(number[17]) + 1) % 11]
    wide = rows[BAD_LINES["full_width_digits"] - 2]
    wide[ID_COLUMN] = wide[ID_COLUMN].translate(_FULL_WIDTH)
    short = rows[BAD_LINES["mobile_of_10_digits"] - 2]
    short[PHONE_COLUMN] = (short[PHONE_COLUMN] or maker.mobile())[:10]
