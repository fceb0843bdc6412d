"""``validate_resident``: one record dict in, ``(clean record, errors)`` out. Pure — no
database, no Flask — so the API, the pages and a bulk importer check exactly the same
rules and report them the same way: each error is ``{"pointer": "/id_number", "detail":
"<Chinese reason>"}``.

What the database must answer (does the org node exist, is the ID already registered in
the county, is the household in scope) is the services' job, after this.
"""

import json
import re
import unicodedata
from datetime import date
from functools import lru_cache
from pathlib import Path

from jsonschema import Draft202012Validator

from core.public import clock, compile_schema_check, form_errors, schema_reason
from plugins.resident_info.register import ids

SCHEMA_FOLDER = Path(__file__).parents[1] / "schemas"
RESIDENT_SCHEMA = json.loads((SCHEMA_FOLDER / "resident.json").read_text(encoding="utf-8"))
FIELDS = RESIDENT_SCHEMA["properties"]

# Tags every county has. 残疾 is disability status (特定身份, sensitive personal information
# under PIPL art. 28 and GB/T 45574): only holders of ``permissions.READ_HEALTH`` see it.
BUILTIN_TAGS = ("独居老人", "空巢老人", "残疾", "低保", "特困", "留守儿童", "退役军人", "重点关注")
HEALTH_TAGS = frozenset({"残疾"})
TAGS_NEEDING_LEVEL = frozenset({"残疾"})
DEFAULTS = {"registration": "registered", "status": "living", "tags": [], "notes": "", "extra": {}}
OPTIONAL_TEXT = ("building", "unit", "room")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
PATH_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,31}(/[a-z][a-z0-9_]{0,31}){0,7}")


def county_of(org_path):
    """The county root of an org path: the register is unique per county."""
    return org_path.split("/", 1)[0]


def validate_resident(data, extra_schema=None, *, county_tags=(), kept_tags=(), today=None):
    """Check one resident record; returns ``(clean, errors)``.

    :param data: the record as a dict (JSON body, form or import row), every field of
        ``schemas/resident.json``; a PATCH is validated as the stored record with the
        changes applied.
    :param extra_schema: the county's JSON Schema for ``extra`` (None: no extra fields).
    :param county_tags: the county's own tags, ``[{"tag": …, "sensitive": bool}]``.
    :param kept_tags: the tags the stored record holds: they stay valid after the county
        removes one, so removing a tag never locks the records that have it.
    :param today: the date "in the future" is measured from (tests pin it).
    :return: ``(clean record, [])`` or ``(None, [{"pointer", "detail"}, …])``.
    """
    today = today or clock.today()
    errors = _schema_errors(data)
    if not isinstance(data, dict):
        return None, errors
    failed = {error["pointer"].split("/")[1] for error in errors}
    clean = {**DEFAULTS, **{key: value for key, value in data.items() if key in FIELDS}}
    checks = (_check_name, _check_identity, _check_phone, _check_place, _check_status, _check_notes)
    for check in checks:
        check(clean, failed, errors, today)
    if "tags" not in failed:
        clean["tags"] = _clean_tags(clean.get("tags") or [], county_tags, errors, kept_tags)
    if "extra" not in failed:
        _check_extra(clean.get("extra") or {}, extra_schema, errors)
    if errors:
        return None, _first_per_field(errors)
    return clean, []


def _schema_errors(data):
    if _quick_check()(data):  # the usual case, ~10× cheaper than asking jsonschema
        return []
    found = []
    for error in _validator().iter_errors(data):
        path = list(error.absolute_path)
        if error.validator == "required":
            path.append(error.message.split("'")[1])
        if error.validator == "additionalProperties":
            extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
            found.append(_error("/" + "/".join(map(str, path + extra[:1])), "不是可以填写的字段"))
            continue
        field = str(path[0]) if path else ""
        reason = schema_reason(error)  # the core's Chinese reason per keyword, as on every form
        found.append(_error("/" + "/".join(map(str, path)), f"{title_of(field)}：{reason}"))
    return sorted(found, key=lambda error: error["pointer"])


@lru_cache(maxsize=1)
def _quick_check():
    """A fast yes/no for the record schema; a "no" (or a schema it cannot compile) goes to
    jsonschema for the Chinese reasons and pointers."""
    return compile_schema_check(RESIDENT_SCHEMA) or (lambda data: False)


@lru_cache(maxsize=1)
def _validator():
    return Draft202012Validator(RESIDENT_SCHEMA)


def title_of(field):
    return FIELDS.get(field, {}).get("title", field or "记录")


def _error(pointer, detail):
    return {"pointer": pointer, "detail": detail}


def _first_per_field(errors):
    seen, kept = set(), []
    for error in errors:
        if error["pointer"] not in seen:
            seen.add(error["pointer"])
            kept.append(error)
    return kept


def _text(value, field, errors):
    """Trimmed, NFKC-folded text (so ``３号楼`` and ``3号楼`` are the same building), or None.

    The schema's maxLength is checked again on the folded text, the text as stored: NFKC
    turns one U+FDFA into 18 characters. Line breaks, bidi overrides and zero-width
    characters are refused, as in every display name of the core."""
    if value is None:
        return None
    value = unicodedata.normalize("NFKC", value).strip()
    limit = FIELDS.get(field, {}).get("maxLength")
    if limit and len(value) > limit:
        errors.append(_error(f"/{field}", f"{title_of(field)}：长度不能超过 {limit} 个字符"))
    elif any(unicodedata.category(char) in _INVISIBLE for char in value):
        errors.append(_error(f"/{field}", f"{title_of(field)}：不能包含换行、控制字符或不可见的格式字符"))
    return value or None


# Cc controls, Cf formats (U+202E, U+200B …), line/paragraph separators, lone surrogates.
# Private-use characters stay allowed: registers encode rare characters of names (生僻字) there.
_INVISIBLE = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})


def _check_name(clean, failed, errors, _today):
    if "name" in failed:
        return
    clean["name"] = _text(clean.get("name"), "name", errors)
    if not clean["name"]:
        errors.append(_error("/name", "请填写姓名。"))


def _check_identity(clean, failed, errors, today):
    """ID number, then gender and birth date, each cross-checked against the ID."""
    if failed & {"id_number", "gender", "birth_date"}:
        return
    raw = clean.get("id_number") or None
    facts = None
    if raw is not None:
        problem = ids.id_problem(raw, today)
        if problem:
            errors.append(_error("/id_number", problem))
            return
        clean["id_number"] = ids.normalize_id(raw)
        facts = ids.id_facts(clean["id_number"])
    clean["id_number"] = clean.get("id_number") or None
    clean["id_last4"] = ids.last4(clean["id_number"])
    birth = _check_birth_date(clean.get("birth_date"), facts, errors, today)
    clean["birth_date"] = birth
    gender = clean.get("gender")
    if facts is not None and gender and gender != facts.gender:
        errors.append(_error("/gender", f"性别与身份证号不一致（身份证号第 17 位表示{_gender_title(facts.gender)}）。"))
    elif facts is None and not gender:
        errors.append(_error("/gender", "未填身份证号时，请选择性别。"))
    clean["gender"] = facts.gender if facts is not None else gender


def _gender_title(gender):
    return FIELDS["gender"]["x-enum-titles"][gender]


def _check_birth_date(raw, facts, errors, today):
    if raw in (None, ""):
        if facts is None:
            errors.append(_error("/birth_date", "未填身份证号时，请填写出生日期。"))
        return facts.birth_date if facts is not None else None
    given = parse_date(raw)
    if given is None:
        errors.append(_error("/birth_date", "出生日期格式不正确，应为 2024-01-31 这样的日期。"))
    elif facts is not None and given != facts.birth_date:
        errors.append(_error("/birth_date", "出生日期与身份证号第 7–14 位不一致。"))
    elif given > today:
        errors.append(_error("/birth_date", "出生日期不能晚于今天。"))
    elif given < ids.EARLIEST_BIRTH:
        errors.append(_error("/birth_date", "出生日期不能早于 1900 年。"))
    return given


def parse_date(raw):
    """A ``YYYY-MM-DD`` string (ASCII digits only) as a date, or None."""
    if isinstance(raw, date):
        return raw
    if not isinstance(raw, str) or not _DATE.fullmatch(raw):
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def _check_phone(clean, failed, errors, _today):
    if "phone" in failed:
        return
    phone = clean.get("phone") or None
    clean["phone"] = phone
    if phone is not None:
        problem = ids.phone_problem(phone)
        if problem:
            errors.append(_error("/phone", problem))


def _check_place(clean, failed, errors, _today):
    if "org_path" not in failed:
        if not PATH_PATTERN.fullmatch(clean.get("org_path") or ""):
            errors.append(_error("/org_path", "请选择所属网格（组织路径格式不正确）。"))
        else:
            clean["county_path"] = county_of(clean["org_path"])
    for field in OPTIONAL_TEXT:
        if field not in failed:
            clean[field] = _text(clean.get(field), field, errors)
    if clean.get("relation_to_head") and not clean.get("household_id") and "household_id" not in failed:
        errors.append(_error("/household_id", "填写了与户主关系时，请同时选择所属户。"))


def _check_status(clean, failed, errors, today):
    if failed & {"status", "status_date"}:
        return
    raw = clean.get("status_date")
    when = parse_date(raw) if raw not in (None, "") else None
    if raw not in (None, "") and when is None:
        errors.append(_error("/status_date", "状态日期格式不正确，应为 2024-01-31 这样的日期。"))
    elif when is not None and when > today:
        errors.append(_error("/status_date", "状态日期不能晚于今天。"))
    elif when is None and clean["status"] != "living":
        errors.append(_error("/status_date", "迁出或死亡时，请填写日期。"))
    clean["status_date"] = when


def _check_notes(clean, failed, _errors, _today):
    if "notes" not in failed:
        clean["notes"] = (clean.get("notes") or "").strip()


def _clean_tags(tags, county_tags, errors, kept_tags=()):
    """Known tags only, each once, levels where they belong; health tags marked sensitive.
    A removed tag the record already holds is kept as it was stored."""
    known = {entry["tag"]: bool(entry.get("sensitive")) for entry in kept_tags}
    known.update({tag: tag in HEALTH_TAGS for tag in BUILTIN_TAGS})
    known.update({entry["tag"]: bool(entry.get("sensitive")) for entry in county_tags})
    cleaned, seen = [], set()
    for index, entry in enumerate(tags):
        tag, level = entry["tag"].strip(), entry.get("level")
        pointer = f"/tags/{index}"
        if tag not in known:
            errors.append(
                _error(
                    pointer + "/tag",
                    f"第 {index + 1} 个标签不是已定义的标签（只能选用已有标签），请先由县级管理员添加。",
                )
            )
        elif tag in seen:
            errors.append(_error(pointer + "/tag", f"标签“{tag}”重复了。"))
        elif tag in TAGS_NEEDING_LEVEL and level is None:
            errors.append(_error(pointer + "/level", f"标签“{tag}”需要填写等级（1–4 级）。"))
        else:
            seen.add(tag)
            cleaned.append(tag_entry(tag, level, known[tag]))
    return cleaned


def tag_entry(tag, level, sensitive):
    entry = {"tag": tag}
    if level is not None:
        entry["level"] = level
    if sensitive:
        entry["sensitive"] = True
    return entry


def _check_extra(extra, extra_schema, errors):
    """The county's fields, checked and explained by the core's forms (``form_errors``:
    the same Chinese message per rule as on the form page)."""
    if not extra_schema:
        for key in sorted(extra)[:1]:
            errors.append(_error(f"/extra/{key}", "本县没有定义这个附加字段。"))
        return
    schema = _schema_object(json.dumps(extra_schema, sort_keys=True, ensure_ascii=False))
    for key in sorted(set(extra) - set(schema.get("properties", {})))[:1]:
        errors.append(_error(f"/extra/{key}", "本县没有定义这个附加字段。"))
    for name, message in form_errors(schema, extra).items():
        if name != "_form":  # additionalProperties: named above
            errors.append(_error("/extra/" + name.replace(".", "/"), message))


@lru_cache(maxsize=64)
def _schema_object(schema_text):
    # One object per county schema text: the core caches its validator per schema object,
    # and a county changing its schema gets a new one (never yesterday's fields).
    return json.loads(schema_text)
