"""The register's JSON API, ``/api/v1/resident_info/…``: residents, county fields,
households. Thin: read the request, call the services, answer. Every answer masks ID
numbers and phones; ``?reveal=1`` on one resident is the only full view, and it is
audited. Routes (with their OpenAPI summaries): ``add_routes`` at the end."""

import copy

from flask import g, request, url_for

from core.public import ApiError, api_route, can, current_actor, get_session, json_body, require
from plugins.resident_info.permissions import MANAGE_FIELDS, PLUGIN, READ, READ_SENSITIVE, WRITE
from plugins.resident_info.register import fields, households, queries, services
from plugins.resident_info.register.merge import merge_residents
from plugins.resident_info.register.present import resident_json
from plugins.resident_info.register.validation import FIELDS, PATH_PATTERN, RESIDENT_SCHEMA, county_of
from plugins.resident_info.web import names
from plugins.resident_info.web.current import current_access, refuse_id_search_without_sensitive

TAGS = [PLUGIN]


def _text(description, max_length=50):
    return {"type": "string", "maxLength": max_length, "description": description}


# The query parameters ``queries.filter_from_args`` reads, for the OpenAPI document (the
# export takes the same filters).
FILTER_PROPERTIES = {
    "name": _text("姓名包含的文字"),
    "name_prefix": _text("姓名以这些字开头", queries.NAME_PREFIX_MAX),
    "id_last4": {
        "type": "string",
        "pattern": "^[0-9]{3}[0-9Xx]$",
        "description": "身份证号后四位（3 位数字加数字或 X）",
    },
    "org_path": {
        **_text("网格或其他组织节点的路径：只列其整个子树内的居民", 300),
        "pattern": f"^{PATH_PATTERN.pattern}$",
    },
    "org_name": _text("网格或社区的名称（如 幸福社区第1网格）：其整个子树内的居民；无一或多个相符时 422", 100),
    "tag": _text("标签"),
    "building": _text("楼栋"),
    "unit": _text("单元"),
    "room": _text("房号"),
    "status": {"enum": [value for value in FIELDS["status"]["enum"] if value], "description": "状态"},
    "registration": {"enum": [value for value in FIELDS["registration"]["enum"] if value], "description": "人口类型"},
    "household_id": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1, "description": "只列这一户的成员"},
    "min_age": {"type": "integer", "minimum": 0, "maximum": 150, "description": "最小年龄（周岁）"},
    "max_age": {"type": "integer", "minimum": 0, "maximum": 150, "description": "最大年龄（周岁）"},
    "sort": {"enum": list(queries.SORTS), "description": "排序（- 表示倒序），默认 name"},
}
PAGE_PROPERTIES = {
    "limit": {"type": "integer", "minimum": 1, "maximum": queries.LIMIT_MAX, "description": "每页条数（默认 50）"},
    "offset": {"type": "integer", "minimum": 0, "maximum": 10**9, "description": "跳过的条数"},
}
LIST_QUERY = {"type": "object", "properties": {**FILTER_PROPERTIES, **PAGE_PROPERTIES}}
REVEAL_QUERY = {
    "type": "object",
    "properties": {
        "reveal": {"enum": ["1", "true"], "description": f"显示完整身份证号和电话（需要 {READ_SENSITIVE}，记入审计）"}
    },
}
FIELDS_QUERY = {
    "type": "object",
    "properties": {"county": {**_text("县的组织路径（默认本人所在的县）", 32), "pattern": "^[a-z][a-z0-9_]{0,31}$"}},
}
HOUSEHOLDS_QUERY = {"type": "object", "properties": {"building": _text("楼栋", 20), **PAGE_PROPERTIES}}
CREATED = {"201": {"description": "已新建（Location 指向新记录）"}}

PATCH_SCHEMA = copy.deepcopy(RESIDENT_SCHEMA)
PATCH_SCHEMA.update(title="修改居民信息（只需提交要改的字段和 version）", required=["version"])
PATCH_SCHEMA["properties"]["version"] = {"type": "integer", "minimum": 1, "title": "读取时的版本号"}
MERGE_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["keep_id", "keep_version", "merge_id", "merge_version"],
    "properties": {
        name: {"type": "integer", "minimum": 1, "maximum": 2147483647}
        for name in ("keep_id", "keep_version", "merge_id", "merge_version")
    },
}
HOUSEHOLD_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["org_path"],
    "properties": {
        "org_path": {"type": "string", "maxLength": 300},
        "building": {"type": ["string", "null"], "maxLength": 20},
        "unit": {"type": ["string", "null"], "maxLength": 20},
        "room": {"type": ["string", "null"], "maxLength": 20},
        "address": {"type": ["string", "null"], "maxLength": 200},
    },
}


def _json_object():
    """The request body as a dict; validation of its fields is the services' job."""
    if not request.is_json:
        raise ApiError(415, "请求体必须是 JSON（Content-Type: application/json）。")
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError(422, "请求体必须是 JSON 对象。", pointer="/")
    return data


def _shown(resident, access, reveal=False):
    return resident_json(resident, health_visible=access.health.covers(resident.org_path), reveal=reveal)


@require(READ)
def list_residents():
    access = current_access()
    filters = queries.filter_from_args(names.args_with_node(get_session(), access.read, request.args))
    refuse_id_search_without_sensitive(filters, access)
    rows, total = queries.list_residents(get_session(), access, filters)
    return {
        "items": [_shown(row, access) for row in rows],
        "total": total,
        "limit": filters.limit,
        "offset": filters.offset,
    }


@require(WRITE)
def register_resident():
    access, db = current_access(), get_session()
    resident, duplicates = services.register_resident(db, access, _json_object())
    db.commit()
    location = url_for(".get_resident", resident_id=resident.id)
    return {**_shown(resident, access), "possible_duplicates": duplicates}, 201, {"Location": location}


@require(READ)
def get_resident(resident_id):
    access, db = current_access(), get_session()
    resident = services.find_resident(db, access.read, resident_id)
    reveal = request.args.get("reveal") in ("1", "true")
    if reveal:
        if not can(current_actor, READ_SENSITIVE, resident.org_path):
            g.denied_permission = READ_SENSITIVE
            raise ApiError(403, "查看完整身份证号和电话需要“查看完整身份证号和电话”权限。")
        services.reveal(db, access, resident)
        db.commit()
    return _shown(resident, access, reveal=reveal)


@require(WRITE)
def update_resident(resident_id):
    access, db = current_access(), get_session()
    resident = services.update_resident(db, access, resident_id, _json_object())
    db.commit()
    return _shown(resident, access)


@require(READ)
def resident_history(resident_id):
    access, db = current_access(), get_session()
    resident = services.find_resident(db, access.read, resident_id)
    return {"items": services.history_for(db, access, resident)}


@require(WRITE)
def merge():
    access, db = current_access(), get_session()
    body = json_body(MERGE_SCHEMA)
    kept = merge_residents(db, access, body["keep_id"], body["keep_version"], body["merge_id"], body["merge_version"])
    db.commit()
    return _shown(kept, access)


def _county_param(raw):
    county = (raw or "").strip() or county_of(current_actor.org_path)
    if not PATH_PATTERN.fullmatch(county) or "/" in county:
        raise ApiError(422, "县的组织路径格式不正确。", pointer="/county")
    return county


@require(READ)
def get_fields():
    county = _county_param(request.args.get("county"))
    if not any(county_of(path) == county for path in current_access().read.paths):
        raise ApiError(404, "没有找到该县的设置，或不在您的管理范围内。")
    return fields.fields_json(get_session(), county)


@require(MANAGE_FIELDS)
def put_fields():
    body, db = json_body(fields.FIELDS_SCHEMA), get_session()  # validated before any field is read
    county = _county_param(body.get("county_path"))
    if not can(current_actor, MANAGE_FIELDS, county):
        raise ApiError(404, "没有找到该县的设置，或不在您的管理范围内。")
    fields.put_fields(db, current_actor.username, county, {**body, "county_path": county}, request.remote_addr or "")
    db.commit()
    return fields.fields_json(db, county)


@require(READ)
def list_households():
    access = current_access()
    page = queries.filter_from_args({key: request.args.get(key) for key in ("limit", "offset")})
    rows, total = households.list_households(
        get_session(), access.read, building=request.args.get("building"), limit=page.limit, offset=page.offset
    )
    return {
        "items": [households.household_json(row) for row in rows],
        "total": total,
        "limit": page.limit,
        "offset": page.offset,
    }


@require(WRITE)
def create_household():
    access, db = current_access(), get_session()
    household = households.create_household(db, access, json_body(HOUSEHOLD_SCHEMA))
    db.commit()
    return (
        households.household_json(household, []),
        201,
        {"Location": url_for(".get_household", household_id=household.id)},
    )


@require(READ)
def get_household(household_id):
    access, db = current_access(), get_session()
    household = households.find_household(db, access.read, household_id)
    members = households.members_of(db, access.read, household)
    return households.household_json(household, members, health_scope=access.health)


def add_routes(pages, api):
    """This module's routes, on the API blueprint ``web.blueprints()`` builds."""
    api_route(
        api,
        "/residents",
        summary="居民列表：按姓名、身份证后四位、地址、标签、网格、状态、年龄筛选，分页并给出总数",
        tags=TAGS,
        query=LIST_QUERY,
    )(list_residents)
    api_route(
        api,
        "/residents",
        methods=["POST"],
        summary="登记居民（同县身份证号重复时 409，疑似重复的记录随结果返回）",
        body=RESIDENT_SCHEMA,
        tags=TAGS,
        responses=CREATED,
    )(register_resident)
    api_route(
        api,
        "/residents/<int:resident_id>",
        tags=TAGS,
        query=REVEAL_QUERY,
        summary=(f"查看居民（默认脱敏；?reveal=1 显示完整身份证号和电话，需要 {READ_SENSITIVE}，并记入审计）"),
    )(get_resident)
    api_route(
        api,
        "/residents/<int:resident_id>",
        methods=["PATCH"],
        body=PATCH_SCHEMA,
        tags=TAGS,
        summary="修改居民信息（必须带读取时的 version；版本过期时 409，不会覆盖他人的修改）",
    )(update_resident)
    api_route(
        api, "/residents/<int:resident_id>/history", summary="居民的修改历史（谁、何时、旧值→新值，脱敏）", tags=TAGS
    )(resident_history)
    api_route(
        api,
        "/residents/merge",
        methods=["POST"],
        summary="合并两条重复的居民记录（保留双方历史）",
        body=MERGE_SCHEMA,
        tags=TAGS,
    )(merge)
    api_route(api, "/fields", summary="本县的附加字段（JSON Schema）和自定义标签", tags=TAGS, query=FIELDS_QUERY)(
        get_fields
    )
    api_route(
        api,
        "/fields",
        methods=["PUT"],
        summary=f"设置本县的附加字段和自定义标签（需要 {MANAGE_FIELDS}）",
        body=fields.FIELDS_SCHEMA,
        tags=TAGS,
    )(put_fields)
    api_route(api, "/households", summary="户列表（管理范围内）", tags=TAGS, query=HOUSEHOLDS_QUERY)(list_households)
    api_route(
        api, "/households", methods=["POST"], summary="新建一户", body=HOUSEHOLD_SCHEMA, tags=TAGS, responses=CREATED
    )(create_household)
    api_route(api, "/households/<int:household_id>", summary="查看一户及其成员（脱敏）", tags=TAGS)(get_household)
