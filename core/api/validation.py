"""Validate JSON bodies against JSON Schema and report the first errors in Chinese.

The validators (compiled once per schema) and the Chinese reason per keyword are the
forms' (``core.forms``): a page and the API say the same thing about the same field,
including a field's own ``x-message``.
"""

from core.api.errors import ApiError
from core.forms.messages import custom_message, reason
from core.forms.validate import compiled, surely_valid

__all__ = ["compiled", "describe", "validate_or_raise"]


def validate_or_raise(schema, data):
    """Raise a 422 ApiError naming the bad field (JSON pointer) when ``data`` is invalid."""
    if surely_valid(schema, data):
        return data
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
        custom = custom_message(error.schema.get("properties", {}).get(missing))
        return {"pointer": pointer, "detail": custom or f"缺少必填字段 {missing}"}
    field = pointer if pointer != "/" else "请求体"
    custom = custom_message(error.schema)
    return {"pointer": pointer, "detail": custom or f"{field}：{reason(error)}"}
