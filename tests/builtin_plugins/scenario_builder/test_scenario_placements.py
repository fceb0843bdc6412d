"""Which modules published scenarios place (gridwork_block_placements): the county's slimming list
and the retirement preview count the scenarios placing a module's block at the node — drafts and
other subtrees left out."""

from scenario_helpers import M1, create, document

from core.testing import signed_in_client

PUBLISHED_TO_M1 = {"published_to": [{"org_path": M1, "subtree": True}], "packages": ["grid_feedback_worker"]}


def test_hook_gridwork_block_placements(admin, scenes_app, make_user):
    """Published scenarios placing a block are counted where they reach."""
    published = create(admin, document(**PUBLISHED_TO_M1))
    assert admin.post(f"/api/v1/scenarios/{published}/publish", json={}).status_code == 200
    create(admin, document(title="草稿场景", **PUBLISHED_TO_M1))  # a draft places nothing yet
    county = signed_in_client(scenes_app, make_user("county_admin", "c1"))

    impact = county.get("/api/v1/modules/fx_scenes/lifecycle/m1").get_json()["impact"]
    assert (impact["scenarios"], impact["scenario_titles"]) == (1, ["高温关爱"])
    assert county.get("/api/v1/modules/fx_scenes/lifecycle/s2").get_json()["impact"]["scenarios"] == 0

    listing = county.get("/api/v1/modules/slimming?org_path=c1").get_json()
    row = next(row for row in listing["modules"] if row["plugin"] == "fx_scenes")
    assert (row["placements"], row["placed_in"]) == (1, ["高温关爱"])
    assert "已发布治理场景" in listing["placements_note"] and "尚未上线" not in listing["placements_note"]
    page = county.get("/modules/fx_scenes/lifecycle/m1").get_data(as_text=True)
    assert "放置它的功能块的已发布治理场景：1 个" in page and f'<a href="/scenarios/{published}">高温关爱</a>' in page
    placed = [{"id": str(published), "title": "高温关爱", "url": f"/scenarios/{published}"}]
    assert impact["scenarios_placed"] == placed
    assert [{k: s[k] for k in ("id", "title", "url")} for s in row["placed_scenarios"]] == placed
