"""Target groups: the rule form's schema, reading a submitted rule, the live preview count,
seeding the defaults and the groups that apply at a node. Groups are defined at a county or
a street and apply to everything below it, so a grid worker's roster reads groups defined
above their own scope — a read the core marks as system code (``system_query``)."""

from sqlmodel import select

from core.public import ApiError, DataScope, call_service, scope_of_model, system_query, utcnow
from plugins.special_visits.groups.defaults import (
    ALERT_KINDS,
    DEFAULT_GROUPS,
    FINDINGS,
    FREQUENCIES,
    FREQUENCY_TITLES,
)
from plugins.special_visits.models import TargetGroup

ROSTER_LIMIT = 1_000_000  # a county's whole group, for the nightly rebuild
# Tags the rule form offers (the register's vocabulary); a county may type others.
COMMON_TAGS = ("独居老人", "空巢老人", "残疾", "低保", "特困", "留守儿童", "退役军人", "重点关注")

GROUP_FORM = {
    "type": "object",
    "required": ["name", "frequency"],
    "properties": {
        "name": {"type": "string", "title": "名称", "minLength": 1, "maxLength": 50, "x-order": 1},
        "tags_all": {
            "type": "array",
            "title": "同时具有这些标签",
            "items": {"enum": list(COMMON_TAGS)},
            "uniqueItems": True,
            "x-order": 2,
        },
        "tags_any": {
            "type": "array",
            "title": "或具有其中任一标签",
            "items": {"enum": list(COMMON_TAGS)},
            "uniqueItems": True,
            "x-order": 3,
        },
        "min_age": {"type": "integer", "title": "最小年龄", "minimum": 0, "maximum": 150, "x-order": 4},
        "max_age": {"type": "integer", "title": "最大年龄", "minimum": 0, "maximum": 150, "x-order": 5},
        "frequency": {
            "enum": list(FREQUENCIES),
            "title": "走访频次",
            "x-enum-titles": FREQUENCY_TITLES,
            "x-widget": "select",
            "x-order": 6,
        },
        "checklist": {
            "type": "array",
            "title": "走访时记录的情况",
            "items": {"enum": list(FINDINGS)},
            "x-enum-titles": FINDINGS,
            "uniqueItems": True,
            "minItems": 1,
            "x-message": "请至少选择一项走访时记录的情况。",
            "x-order": 7,
        },
        "grace_days": {
            "type": "integer",
            "title": "逾期几天后上报社区",
            "minimum": 0,
            "maximum": 60,
            "x-order": 8,
        },
        "alert_kinds": {
            "type": "array",
            "title": "遇到这些预警时立即走访",
            "items": {"enum": list(ALERT_KINDS)},
            "x-enum-titles": ALERT_KINDS,
            "uniqueItems": True,
            "x-order": 9,
        },
        "active": {"type": "boolean", "title": "启用", "x-order": 10},
    },
}


def rule_of(values):
    """The resident_info tag rule a form describes (only the keys given; living residents)."""
    rule = {
        key: values[key] for key in ("tags_all", "tags_any", "min_age", "max_age") if values.get(key) not in (None, [])
    }
    if "min_age" in rule and "max_age" in rule and rule["min_age"] > rule["max_age"]:
        raise ApiError(422, "最小年龄不能大于最大年龄。", pointer="/min_age")
    if not rule.get("tags_all") and not rule.get("tags_any"):
        raise ApiError(422, "请至少选择一个标签。", pointer="/tags_all")
    return rule


def form_values(group):
    return {
        "name": group.name,
        **group.rule,
        "frequency": group.frequency,
        "checklist": list(group.checklist),
        "grace_days": group.grace_days,
        "alert_kinds": list(group.alert_kinds),
        "active": group.active,
    }


def preview_count(db, rule, org_path, actor):
    """How many living residents at ``org_path`` the rule takes in now (the form's live count)."""
    return len(
        call_service(
            "resident_info.find_by_tag_rule",
            rule=rule,
            scope_paths=[org_path],
            actor=actor,
            session=db,
            limit=ROSTER_LIMIT,
        )
    )


def apply_form(group, values):
    group.name = values["name"]
    group.rule = rule_of(values)
    group.frequency = values["frequency"]
    group.checklist = list(values.get("checklist") or ["health"])
    group.grace_days = values.get("grace_days", 3)
    group.alert_kinds = list(values.get("alert_kinds") or [])
    group.active = bool(values.get("active", True))
    group.updated_at = utcnow()
    return group


def ensure_default_groups(db, county_path):
    """The five defaults at a county, once each (by ``seed_key``); returns how many were added."""
    have = set(
        db.exec(
            scope_of_model(select(TargetGroup.seed_key), DataScope((county_path,)), TargetGroup).where(
                TargetGroup.org_path == county_path
            )
        ).all()
    )
    added = [TargetGroup(org_path=county_path, **dict(spec)) for spec in DEFAULT_GROUPS if spec["seed_key"] not in have]
    db.add_all(added)
    db.flush()
    return len(added)


def groups_applying_at(db, org_path):
    """Active groups defined at ``org_path`` or above it, oldest first."""
    parts = org_path.split("/")
    above = ["/".join(parts[: end + 1]) for end in range(len(parts))]
    statement = select(TargetGroup).where(TargetGroup.org_path.in_(above), TargetGroup.active.is_(True))
    return db.exec(system_query(statement.order_by(TargetGroup.id), "groups defined above a node apply to it")).all()


def groups_in(db, scope):
    """Every group a manager may edit: those defined inside their scope."""
    return db.exec(
        scope_of_model(select(TargetGroup), scope, TargetGroup).order_by(TargetGroup.org_path, TargetGroup.id)
    ).all()


def group_by_id(db, group_id):
    return db.exec(
        system_query(
            select(TargetGroup).where(TargetGroup.id == group_id), "a group read by id; callers check where it applies"
        )
    ).first()


def interval_days(group):
    return FREQUENCIES.get(group.frequency, 30)
