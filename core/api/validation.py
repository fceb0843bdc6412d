"""Validate JSON bodies against JSON Schema and report the first errors in Chinese.

Validators are compiled once per schema object and cached: building one costs ~60x a
validation (library-notes §4).
"""

from jsonschema import Draft202012Validator, FormatChecker

from core.api.errors import ApiError

_VALIDATORS = {}


def compiled(schema):
    key = id(schema)
    entry = _VALIDATORS.get(key)
    if entry is None or entry[0] is not schema:
        entry = (schema, Draft202012Validator(schema, format_checker=FormatChecker()))
        _VALIDATORS[key] = entry
    return entry[1]


def validate_or_raise(schema, data):
    """Raise a 422 ApiError naming the bad field (JSON pointer) when ``data`` is invalid."""
    errors = sorted(compiled(schema).iter_errors(data), key=lambda e: list(e.absolute_path))
    if not errors:
        return data
    described = [describe(error) for error in errors[:20]]
    first = described[0]
    raise ApiError(422, first["detail"], pointer=first["pointer"], errors=described)


def describe(error):
    """{"pointer", "detail"} for one error. A field whose schema carries ``"x-message"``
    is described by that text instead of the generic reason, whichever rule failed."""
    pointer = "/" + "/".join(str(part) for part in error.absolute_path)
    if error.validator == "required":
        missing = error.message.split("'")[1]
        pointer = pointer.rstrip("/") + "/" + missing
        custom = _custom_message(error.schema.get("properties", {}).get(missing))
        return {"pointer": pointer, "detail": custom or f"缺少必填字段 {missing}"}
    field = pointer if pointer != "/" else "请求体"
    custom = _custom_message(error.schema)
    return {"pointer": pointer, "detail": custom or f"{field}：{_reason(error)}"}


def _custom_message(schema):
    message = schema.get("x-message") if isinstance(schema, dict) else None
    return message if isinstance(message, str) and message.strip() else None


def _reason(error):
    value = error.validator_value
    reasons = {
        "type": lambda: f"类型不正确，应为 {_type_name(value)}",
        "minLength": lambda: f"长度不能少于 {value} 个字符",
        "maxLength": lambda: f"长度不能超过 {value} 个字符",
        "pattern": lambda: "格式不正确",
        "enum": lambda: "取值必须是以下之一：" + "、".join(str(v) for v in value),
        "const": lambda: f"取值必须是 {value}",
        "minimum": lambda: f"不能小于 {value}",
        "maximum": lambda: f"不能大于 {value}",
        "minItems": lambda: f"至少需要 {value} 项",
        "maxItems": lambda: f"最多允许 {value} 项",
        "uniqueItems": lambda: "不能有重复项",
        "additionalProperties": lambda: _extra_fields(error),
        "format": lambda: f"不是有效的 {value} 格式",
    }
    return reasons.get(error.validator, lambda: "取值无效")()


def _type_name(value):
    names = {
        "string": "字符串",
        "integer": "整数",
        "number": "数字",
        "boolean": "布尔值",
        "object": "对象",
        "array": "数组",
        "null": "空值",
    }
    if isinstance(value, list):
        return "或".join(names.get(v, v) for v in value)
    return names.get(value, value)


def _extra_fields(error):
    # The keys sent are never repeated (one may be an ID number typed in the wrong place):
    # say which fields are allowed instead.
    allowed = sorted(error.schema.get("properties", {}))
    if not allowed:
        return "包含不允许的字段"
    return "包含不允许的字段，只能填写：" + "、".join(allowed)
