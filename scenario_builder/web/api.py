"""``/api/v1/scenarios``: list, create, read, save (with the version it was based on),
publish, versions with their changes in words, rollback, export and import."""

from flask import request, url_for

from core.public import api_route, current_actor, get_session, json_body, require
from scenario_builder import exchange, publish_down, starters, versions
from scenario_builder.document import SCHEMA, normalised
from scenario_builder.permissions import MANAGE
from scenario_builder.words import changes_between

TAGS = ["治理场景"]
PATH = {"type": "string", "maxLength": 300, "title": "所属组织"}
CREATE_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["org_path", "document"],
    "properties": {"org_path": PATH, "document": SCHEMA},
}
SAVE_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["based_on", "document"],
    "properties": {"based_on": {"type": "integer", "minimum": 1, "title": "基于的版本"}, "document": SCHEMA},
}
PUBLISH_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"version": {"type": "integer", "minimum": 1, "title": "版本"}},
}
ROLLBACK_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["version", "based_on"],
    "properties": {
        "version": {"type": "integer", "minimum": 1, "title": "回退到的版本"},
        "based_on": {"type": "integer", "minimum": 1, "title": "基于的版本"},
    },
}
IMPORT_SCHEMA = CREATE_SCHEMA
USE_TEMPLATE_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["org_path"],
    "properties": {"org_path": PATH},
}
ACCEPT_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["based_on"],
    "properties": {"based_on": {"type": "integer", "minimum": 1, "title": "基于的版本"}},
}
DECLINE_SCHEMA = {"type": "object", "additionalProperties": False, "properties": {}}
CREATED = {"201": {"description": "已新建（Location 指向新场景）"}}


def scenario_json(scenario):
    return {
        "id": scenario.id,
        "org_path": scenario.org_path,
        "title": scenario.title,
        "status": scenario.status,
        "latest_version": scenario.latest_version,
        "published_version": scenario.published_version,
    }


@require(MANAGE)
def list_scenarios():
    return {"items": [scenario_json(s) for s in versions.scenarios_in_scope(get_session(), current_actor)]}


@require(MANAGE)
def create_scenario():
    return _new(CREATE_SCHEMA, lambda db, body: versions.create_scenario(db, current_actor, **body))


def _new(schema, make):
    """Read the body, ``make`` a new scenario from it, commit; 201 with its Location."""
    body, db = json_body(schema), get_session()
    scenario = make(db, body)
    db.commit()
    location = url_for("scenario_builder_api.get_scenario", scenario_id=scenario.id)
    return scenario_json(scenario), 201, {"Location": location}


@require(MANAGE)
def get_scenario(scenario_id):
    db = get_session()
    scenario = versions.scenario_for(db, current_actor, scenario_id)
    return {**scenario_json(scenario), "document": versions.version_document(db, scenario, scenario.latest_version)}


def _changed(scenario_id, schema, change):
    """Find the scenario in the actor's scope, read the body, apply ``change``, commit."""
    db = get_session()
    scenario = versions.scenario_for(db, current_actor, scenario_id)  # another tenant's: 404 before any body check
    change(db, scenario, json_body(schema))
    db.commit()
    return scenario_json(scenario)


@require(MANAGE)
def save_scenario(scenario_id):
    return _changed(
        scenario_id, SAVE_SCHEMA, lambda db, scenario, body: versions.save_scenario(db, current_actor, scenario, **body)
    )


@require(MANAGE)
def publish_scenario(scenario_id):
    return _changed(
        scenario_id,
        PUBLISH_SCHEMA,
        lambda db, scenario, body: versions.publish(db, current_actor, scenario, _version(scenario, body)),
    )


def _version(scenario, body):
    """The version a publish or an offer names, by default the latest."""
    return body.get("version", scenario.latest_version)


@require(MANAGE)
def list_versions(scenario_id):
    db = get_session()
    scenario = versions.scenario_for(db, current_actor, scenario_id)
    return {"items": [_version_json(v, scenario) for v in versions.all_versions(db, scenario)]}


def _version_json(version, scenario):
    return {
        "number": version.number,
        "saved_by": version.saved_by,
        "saved_at": version.saved_at.isoformat(),
        "note": version.note,
        "published": version.number == scenario.published_version,
    }


@require(MANAGE)
def get_version(scenario_id, number):
    db = get_session()
    scenario = versions.scenario_for(db, current_actor, scenario_id)
    document = versions.version_document(db, scenario, number)
    before = (
        versions.version_document(db, scenario, number - 1) if number > 1 else normalised({"title": "", "blocks": []})
    )
    version = versions.version_row(db, scenario, number)
    return {**_version_json(version, scenario), "document": document, "changes": changes_between(before, document)}


@require(MANAGE)
def rollback_scenario(scenario_id):
    return _changed(
        scenario_id,
        ROLLBACK_SCHEMA,
        lambda db, scenario, body: versions.rollback(db, current_actor, scenario, body["version"], body["based_on"]),
    )


@require(MANAGE)
def export_scenario(scenario_id):
    db = get_session()
    return exchange.export_document(db, versions.scenario_for(db, current_actor, scenario_id))


@require(MANAGE)
def import_scenario():
    return _new(IMPORT_SCHEMA, lambda db, body: exchange.import_document(db, current_actor, **body))


@require(MANAGE)
def list_templates():
    """The ready-made scenarios, each available or not at the node (default: the admin's own)."""
    org_path = request.args.get("org_path") or starters.home_node(current_actor)
    return {"org_path": org_path, "items": starters.offered(org_path)}


@require(MANAGE)
def use_template(key):
    return _new(USE_TEMPLATE_SCHEMA, lambda db, body: starters.use_starter(db, current_actor, key, body["org_path"]))


@require(MANAGE)
def offer_scenario(scenario_id):
    return _changed(
        scenario_id,
        PUBLISH_SCHEMA,
        lambda db, scenario, body: publish_down.offer(db, current_actor, scenario, _version(scenario, body)),
    )


@require(MANAGE)
def list_offered():
    org_path = request.args.get("org_path") or starters.home_node(current_actor)
    offered = publish_down.offered_to(get_session(), org_path)
    items = [{"id": s.id, "title": s.title, "version": s.offered_version, "org_path": s.org_path} for s in offered]
    return {"org_path": org_path, "items": items}


@require(MANAGE)
def adopt_offered(source_id):
    return _new(
        USE_TEMPLATE_SCHEMA, lambda db, body: publish_down.adopt(db, current_actor, source_id, body["org_path"])
    )


@require(MANAGE)
def upstream(scenario_id):
    db = get_session()
    return {"news": publish_down.upstream_news(db, versions.scenario_for(db, current_actor, scenario_id))}


@require(MANAGE)
def accept_upstream(scenario_id):
    return _changed(
        scenario_id,
        ACCEPT_SCHEMA,
        lambda db, scenario, body: publish_down.accept(db, current_actor, scenario, body["based_on"]),
    )


@require(MANAGE)
def decline_upstream(scenario_id):
    return _changed(
        scenario_id, DECLINE_SCHEMA, lambda db, scenario, body: publish_down.decline(db, current_actor, scenario)
    )


def document_schema():
    """The published JSON Schema of an exported scenario."""
    return SCHEMA


ROUTES = (
    ("", ["GET"], "治理场景列表（本人管理范围内）", None, list_scenarios),
    ("", ["POST"], "新建治理场景（第 1 版，草稿）", CREATE_SCHEMA, create_scenario),
    ("/<int:scenario_id>", ["GET"], "查看治理场景（最新版本的内容）", None, get_scenario),
    (
        "/<int:scenario_id>",
        ["PUT"],
        "保存为新版本（based_on 不是最新版本时 409，并说明谁在何时保存）",
        SAVE_SCHEMA,
        save_scenario,
    ),
    (
        "/<int:scenario_id>/publish",
        ["POST"],
        "发布某个版本（默认最新）到所选组织和角色包",
        PUBLISH_SCHEMA,
        publish_scenario,
    ),
    ("/<int:scenario_id>/versions", ["GET"], "全部版本", None, list_versions),
    ("/<int:scenario_id>/versions/<int:number>", ["GET"], "某个版本及其与上一版的差异（中文描述）", None, get_version),
    ("/<int:scenario_id>/rollback", ["POST"], "回退：新建一个与旧版本相同的版本", ROLLBACK_SCHEMA, rollback_scenario),
    (
        "/<int:scenario_id>/export",
        ["GET"],
        "导出为 JSON 文件（格式见 /api/v1/scenarios/schema）",
        None,
        export_scenario,
    ),
    (
        "/import",
        ["POST"],
        "导入：先列出需要的功能模块与功能块，缺少任何一个即拒绝并列出清单",
        IMPORT_SCHEMA,
        import_scenario,
    ),
    ("/templates", ["GET"], "场景模板：每个模板在该组织能否使用，不能时说明原因", None, list_templates),
    (
        "/templates/<key>/use",
        ["POST"],
        "使用模板：在所选组织新建一份草稿副本",
        USE_TEMPLATE_SCHEMA,
        use_template,
    ),
    (
        "/<int:scenario_id>/offer",
        ["POST"],
        "下发：把某个版本（默认最新）作为模板提供给下级组织",
        PUBLISH_SCHEMA,
        offer_scenario,
    ),
    ("/offered", ["GET"], "上级下发给该组织的场景模板", None, list_offered),
    (
        "/offered/<int:source_id>/adopt",
        ["POST"],
        "采用上级下发的场景：在本组织新建一份副本",
        USE_TEMPLATE_SCHEMA,
        adopt_offered,
    ),
    ("/<int:scenario_id>/upstream", ["GET"], "上级是否下发了新版本，以及改了什么（中文描述）", None, upstream),
    (
        "/<int:scenario_id>/upstream/accept",
        ["POST"],
        "采用上级的新版本，保留本级对设置的修改",
        ACCEPT_SCHEMA,
        accept_upstream,
    ),
    (
        "/<int:scenario_id>/upstream/decline",
        ["POST"],
        "暂不采用上级的新版本，保留现有副本",
        DECLINE_SCHEMA,
        decline_upstream,
    ),
)


def add_routes(api):
    for rule, methods, summary, body, view in ROUTES:
        responses = CREATED if view in (create_scenario, import_scenario, use_template, adopt_offered) else None
        api_route(api, rule, methods=methods, summary=summary, body=body, tags=TAGS, responses=responses)(view)
    api_route(api, "/schema", summary="治理场景导出文件的 JSON Schema", tags=TAGS, public=True)(document_schema)
