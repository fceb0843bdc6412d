"""One Chinese reason per JSON Schema keyword, shared by the forms and the API.

jsonschema's own ``message`` is English and repeats the value ("'13800' is not a
'email'"); no page or API answer ever shows it. A field's ``x-message`` replaces the reason
whichever rule failed — the author knows how to say it best ("手机号为 11 位数字").
"""

TYPE_NAMES = {
    "string": "文字",
    "integer": "整数",
    "number": "数字",
    "boolean": "是或否",
    "object": "对象",
    "array": "列表",
    "null": "空值",
}
FORMAT_NAMES = {
    "date": "日期（如 2024-01-31）",
    "time": "时间（如 09:30）",
    "date-time": "日期时间",
    "email": "电子邮箱地址",
    "uri": "网址",
    "ipv4": "IPv4 地址",
    "uuid": "UUID",
}


def custom_message(schema):
    """The field's ``x-message``, or None."""
    message = schema.get("x-message") if isinstance(schema, dict) else None
    return message if isinstance(message, str) and message.strip() else None


def reason(error):
    """The Chinese reason for one jsonschema ``ValidationError`` (without the field name)."""
    value = error.validator_value
    reasons = {
        "type": lambda: f"类型不正确，应为{type_name(value)}",
        "minLength": lambda: "不能为空" if value == 1 else f"长度不能少于 {value} 个字符",
        "maxLength": lambda: f"长度不能超过 {value} 个字符",
        "pattern": lambda: "格式不正确",
        "enum": lambda: _enum_reason(error),
        "const": lambda: "取值不正确",
        "minimum": lambda: f"不能小于 {value}",
        "maximum": lambda: f"不能大于 {value}",
        "exclusiveMinimum": lambda: f"必须大于 {value}",
        "exclusiveMaximum": lambda: f"必须小于 {value}",
        "multipleOf": lambda: f"必须是 {value} 的整数倍",
        "minItems": lambda: f"至少需要 {value} 项",
        "maxItems": lambda: f"最多允许 {value} 项",
        "uniqueItems": lambda: "不能有重复项",
        "minProperties": lambda: f"至少需要填写 {value} 项",
        "maxProperties": lambda: f"最多只能填写 {value} 项",
        "required": lambda: "必须填写",
        "additionalProperties": lambda: _extra_fields(error),
        "format": lambda: f"格式不正确，应为{FORMAT_NAMES[value]}" if value in FORMAT_NAMES else "格式不正确",
    }
    return reasons.get(error.validator, lambda: "取值无效")()


def type_name(value):
    if isinstance(value, list):
        return "或".join(TYPE_NAMES.get(v, v) for v in value if v != "null") or TYPE_NAMES["null"]
    return TYPE_NAMES.get(value, value)


def _enum_reason(error):
    titles = error.schema.get("x-enum-titles") if isinstance(error.schema, dict) else None
    shown = [titles.get(str(v), str(v)) if titles else str(v) for v in error.validator_value if v is not None]
    return "取值必须是以下之一：" + "、".join(shown)


def _extra_fields(error):
    # The keys sent are never repeated (one may be an ID number typed in the wrong place):
    # say which fields are allowed instead.
    allowed = sorted(error.schema.get("properties", {}))
    if not allowed:
        return "包含不允许的字段"
    return "包含不允许的字段，只能填写：" + "、".join(allowed)
