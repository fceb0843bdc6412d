"""The slimming list's advice on a seeded usage history of five modules in one county, against
a table worked out by hand (13 weeks; 10 communities each; default weights, total 11)."""

import pytest

from core.usage.listing import build_rows
from core.usage.slimming import ModuleUse, weights_for

DUPLICATE = "其“户籍地”字段与“居民信息采集”重复"
SAME_KIND = "与“居民登记”都登记“resident”类数据"
SLOW, DETACHED = "使用范围小、使用频度低", "与业务结合不紧密（不在任何场景中，不与其他模块交换数据）"
REPLACEABLE, UNMAINTAINED = "可被其他模块替代", "无人维护（差评逾期未回复）"
HISTORY = [
    ModuleUse("a_register", "居民登记", 10, 9, 2340, 20, 13, 1800, 4.5, 12, 0, 0, 3, [], 2, True),
    ModuleUse("b_visits", "走访", 10, 6, 780, 10, 13, 780, 2.9, 5, 1, 0, 2, [], 1, True),
    ModuleUse("c_waste", "垃圾分类", 10, 2, 26, 5, 13, 52, 2.1, 7, 4, 1, 0, [DUPLICATE], 0, False),
    ModuleUse("d_notes", "便签", 10, 0, 0, 0, 13, 0, None, 0, 0, 0, 1, [], 0, False),
    ModuleUse(
        "e_survey",
        "满意度调查",
        10,
        5,
        650,
        10,
        13,
        520,
        2.8,
        3,
        0,
        0,
        1,
        [SAME_KIND],
        1,
        False,
    ),
]

# By hand. Normalised 1–10 (min → 1, max → 10): adoption .9/.6/.2/0/.5 → 10/7/3/1/6; actions per
# user per week 9/6/0.4/0/5 → 10/7/1.4/1/6; users 20/10/5/0/10 → 10/5.5/3.25/1/5.5; trend
# +.3/0/−.5/0/+.25 → 10/6.625/1/6.625/9.4375; rating 4.5/2.9/2.1/(none: 3)/2.8 → 10/4/1/4.375/3.625;
# openness 3/2/0/1/1 → 10/7/1/4/4; overlap 0/0/1/0/1 → 10/10/1/10/1 (less is better);
# overdue bad ratings 0/0/1/0/0 → 10/10/1/10/10; placements all 0 → 5.5 (weight 0).
# Score = (2·adoption + 2·intensity + users + trend + 2·rating + openness + overlap + overdue) / 11:
# a 110/11 = 10; b 75.125/11 = 6.83; c 18.05/11 = 1.64; d 44.375/11 = 4.03; e 61.1875/11 = 5.56.
# TIME: value = (adoption + intensity + rating)/3, fit = (openness + overlap)/2, split at 5.5.
EXPECTED = [  # plugin, score, quadrant, advice, reasons — sorted by score, lowest first
    ("c_waste", 1.64, "eliminate", "retire", [SLOW, DETACHED, REPLACEABLE, UNMAINTAINED]),
    ("d_notes", 4.03, "tolerate", "retire", ["闲置", DETACHED]),
    ("e_survey", 5.56, "eliminate", "merge", [REPLACEABLE]),
    ("b_visits", 6.83, "invest", "improve", []),
    ("a_register", 10.0, "invest", "keep", []),
]  # fmt: skip


@pytest.fixture
def rows():
    return build_rows(HISTORY, weights_for(), {})


def test_the_advice_matches_the_hand_computed_table(rows):
    found = [(r["plugin"], r["score"], r["quadrant"], r["advice"], r["reasons"]) for r in rows]
    assert found == EXPECTED


def test_the_reason_is_given_in_words(rows):
    waste = next(row for row in rows if row["plugin"] == "c_waste")
    assert waste["reason_text"] == (
        "在 10 个社区启用，2 个在用；人均每周 0.4 次操作；评分 2.1（7 条）；4 条“不好用”反馈；"
        "1 条差评逾期未回复；其“户籍地”字段与“居民信息采集”重复"
    )
    assert waste["advice_title"] == "退出"


def test_county_weights_change_the_score():
    heavy_on_rating = build_rows(HISTORY, weights_for({"rating": 10}), {})
    default = build_rows(HISTORY, weights_for(), {})
    score = {row["plugin"]: row["score"] for row in heavy_on_rating}
    assert score["b_visits"] < {row["plugin"]: row["score"] for row in default}["b_visits"]
