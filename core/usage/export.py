"""The slimming list as .xlsx and CSV (formula-safe writers of the core)."""

from core.downloads import file_response
from core.spreadsheets.write import csv_bytes, xlsx_bytes

HEADER = [
    "模块", "启用社区", "在用社区", "操作次数", "使用人数", "人均每周操作", "环比", "平均评分", "评价条数",
    "不好用反馈", "逾期未回复差评", "数据开放", "重复", "场景引用", "场景打开次数", "得分", "TIME 象限", "建议", "理由",
    "僵尸系统特征", "改进建议",
]  # fmt: skip


def rows_of(listing):
    return [
        [
            m["title"], m["enabled_nodes"], m["used_nodes"], m["actions"], m["users"], m["actions_per_user_week"],
            f"{m['trend']:+.0%}" if m["previous_actions"] else "上期无记录",
            "" if m["rating"] is None else m["rating"], m["ratings"], m["problems"],
            m["unanswered_bad_ratings"], m["openness"], len(m["overlaps"]), m["placements"],
            m["placement_opens"], m["score"],
            m["quadrant_title"], m["advice_title"], m["reason_text"], "；".join(m["reasons"]),
            "；".join(m["suggestions"]),
        ]
        for m in listing["modules"]
    ]  # fmt: skip


def download(listing, area_name, extension):
    stem = f"系统瘦身清单-{area_name}-{listing['period']['start']}"
    if extension == "xlsx":
        content = xlsx_bytes(HEADER, rows_of(listing), title="系统瘦身清单")
    else:
        content = csv_bytes(HEADER, rows_of(listing))
    return file_response(content, extension, stem, f"slimming-{listing['period']['start']}")
