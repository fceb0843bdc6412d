"""A data scope in SQL holds exactly the subtrees ``DataScope.covers`` holds, on SQLite and
PostgreSQL: the node and its descendants, never a sibling whose id starts the same (``m10``
next to ``m1``, ``m1_x`` with the "_" a pinyin collation sorts before "0"), minus the holes."""

import pytest
from scope_support import record_table
from sqlalchemy import insert, select

from core.db import engine_of
from core.public import DataScope, scoped

PATHS = [
    "c1",
    "c1/s1",
    "c1/s1/m1",
    "c1/s1/m1/g1",
    "c1/s1/m1/g1_b",
    "c1/s1/m1/g10",
    "c1/s1/m1_x",
    "c1/s1/m1_x/g1",
    "c1/s1/m10",
    "c1/s1/m10/g1",
    "c1/s10",
    "c1/s10/m1",
    "c1/s1_",
    "c1/s2/m2",
    "c1_x",
    "c10/s1",
    "c2",
    "c2/s1",
]


@pytest.fixture
def records(app):
    engine = engine_of(app)
    table = record_table(engine)
    with engine.begin() as conn:
        conn.execute(insert(table), [{"org_path": path, "title": f"at {path}"} for path in PATHS])
    return engine, table


def paths_in(records, scope, *criteria):
    engine, table = records
    with engine.connect() as conn:
        statement = scoped(select(table.c.org_path).where(*criteria), scope, table.c.org_path)
        return sorted(conn.execute(statement).scalars())


def test_a_community_scope_holds_the_community_and_its_grids_and_no_look_alike_sibling(records):
    assert paths_in(records, DataScope(("c1/s1/m1",))) == ["c1/s1/m1", "c1/s1/m1/g1", "c1/s1/m1/g10", "c1/s1/m1/g1_b"]


def test_a_grid_scope_leaves_out_the_grids_whose_ids_start_like_it(records):
    assert paths_in(records, DataScope(("c1/s1/m1/g1",))) == ["c1/s1/m1/g1"]


def test_an_id_with_an_underscore_is_a_subtree_of_its_own(records):
    assert paths_in(records, DataScope(("c1/s1/m1_x",))) == ["c1/s1/m1_x", "c1/s1/m1_x/g1"]
    assert paths_in(records, DataScope(("c1/s1_",))) == ["c1/s1_"]


def test_a_hole_cuts_out_its_subtree_only(records):
    scope = DataScope(("c1/s1",), (("c1/s1/m1",),))

    assert paths_in(records, scope) == ["c1/s1", "c1/s1/m10", "c1/s1/m10/g1", "c1/s1/m1_x", "c1/s1/m1_x/g1"]


def test_several_roots_each_with_their_own_holes_and_another_filter_beside_them(records):
    engine, table = records
    scope = DataScope(("c1/s1/m1", "c2", "c10/s1"), (("c1/s1/m1/g1",), (), ("c10/s1",)))

    assert paths_in(records, scope) == ["c1/s1/m1", "c1/s1/m1/g10", "c1/s1/m1/g1_b", "c2", "c2/s1"]
    # The scope's OR stays inside its parentheses next to another condition.
    assert paths_in(records, scope, table.c.title != "at c2") == [
        "c1/s1/m1",
        "c1/s1/m1/g10",
        "c1/s1/m1/g1_b",
        "c2/s1",
    ]


def test_an_empty_scope_holds_nothing(records):
    assert paths_in(records, DataScope(())) == []


def test_every_root_with_every_hole_agrees_with_covers(records):
    for root in PATHS:
        for hole in [None, *PATHS]:
            scope = DataScope((root,), ((hole,),) if hole else ())
            expected = sorted(path for path in PATHS if scope.covers(path))
            assert paths_in(records, scope) == expected, (root, hole)


def test_under_a_chinese_collation_a_plain_range_would_take_in_a_sibling_the_scope_does_not(records):
    engine, table = records
    column = table.c.org_path
    if engine.dialect.name != "postgresql" or column.type.collation is None:
        pytest.skip("a collation that sorts '_' before '0' (ICU zh-Hans-CN) is PostgreSQL's")
    with engine.connect() as conn:
        plain = conn.execute(select(column).where(column >= "c1/s1", column < "c1/s10")).scalars().all()

    assert "c1/s1_" in plain  # what a range in the column's collation would let through
    assert "c1/s1_" not in paths_in(records, DataScope(("c1/s1",)))
