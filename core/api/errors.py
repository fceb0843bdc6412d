"""RFC 9457 problem details with a Chinese ``detail`` and the JSON pointer of the bad field."""

from flask import current_app, g, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

PROBLEM_TYPE = "application/problem+json"

# Chinese titles for the statuses the API answers with.
STATUS_TITLES = {
    400: "请求无效",
    401: "需要登录",
    403: "没有权限",
    404: "未找到",
    405: "不支持该请求方法",
    409: "数据冲突",
    413: "请求内容过大",
    415: "不支持的内容类型",
    422: "数据校验失败",
    429: "请求过于频繁",
    500: "服务器内部错误",
}


class ServiceError(Exception):
    """The one error every core service raises when it refuses: an HTTP-like ``status``, a
    Chinese ``detail`` that names the field but never echoes a value, the JSON ``pointer``
    of the field at fault, and for a 403 the ``permission`` the actor lacks (named in the
    audit entry). The shared handler answers it as problem+json or as an error page, so a
    view only catches it when it wants to show the message on its own page."""

    def __init__(self, status, detail, pointer=None, *, permission=None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.pointer = pointer
        self.permission = permission
        self.errors = []
        self.headers = {}


class ApiError(ServiceError):
    """A ``ServiceError`` raised by API code, which may also carry per-row ``errors`` and
    response ``headers`` (``Retry-After``)."""

    def __init__(self, status, detail, pointer=None, errors=None, headers=None, *, permission=None):
        super().__init__(status, detail, pointer, permission=permission)
        self.errors = errors or []
        self.headers = headers or {}


def not_found(detail=None):
    return ApiError(404, detail or _("请求的资源不存在，或不在您的管理范围内。"))


def problem_response(status, detail, pointer=None, errors=None, headers=None, permission=None):
    body = {
        "type": "about:blank",
        "title": STATUS_TITLES.get(status, "错误"),
        "status": status,
        "detail": detail,
        "instance": request.path,
    }
    if pointer is not None:
        body["pointer"] = pointer
    if errors:
        body["errors"] = errors
    if permission:
        body["permission"] = permission
    response = current_app.response_class(current_app.json.dumps(body), status=status, mimetype=PROBLEM_TYPE)
    response.headers.update(headers or {})
    return response


def wants_problem_json():
    """API paths and clients asking for JSON get problem+json; browsers get pages."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def register_error_handlers(app, on_refusal=None):
    """``on_refusal(detail)`` runs for every 403 (the permission layer audits it there)."""

    @app.errorhandler(ServiceError)
    def _service_error(error):
        _abandon_request_work()
        if error.permission:
            g.denied_permission = error.permission
        if error.status == 403 and on_refusal is not None:
            on_refusal(error.detail)
        if not wants_problem_json():
            title = STATUS_TITLES.get(error.status, "错误")
            return render_template(
                "core/error.html", status=error.status, title=title, detail=error.detail
            ), error.status
        denied = g.get("denied_permission") if error.status == 403 else None
        return problem_response(error.status, error.detail, error.pointer, error.errors, error.headers, denied)

    @app.errorhandler(HTTPException)
    def _http_error(error):
        if not wants_problem_json():
            return _html_error(error)
        detail = STATUS_TITLES.get(error.code, error.name)
        if error.code == 400 and getattr(error, "description", None):
            detail = error.description
        return problem_response(error.code or 500, detail)


def _abandon_request_work():
    """A refused request keeps none of its writes: roll the request's session back before the
    error page renders, or a query there would flush the refused rows again (a frozen module's
    new record, say) and fail a second time."""
    session = g.get("db_session")
    if session is not None:
        session.rollback()


def _html_error(error):
    title = STATUS_TITLES.get(error.code, error.name)
    return render_template("core/error.html", status=error.code, title=title), error.code
