"""Wire authentication into an app: Flask-Login, bearer tokens and CSRF."""

from flask import g, request
from flask_login import AnonymousUserMixin, LoginManager
from flask_wtf.csrf import CSRFError, CSRFProtect

from core.api.errors import ApiError
from core.auth.secret_key import InstanceSecretSessionInterface
from core.auth.sessions import load_actor_for_session
from core.auth.tokens import actor_for_bearer
from core.db import get_session

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Endpoints that use no ambient credentials (the caller sends name + password itself).
CSRF_EXEMPT_ENDPOINTS = {"core_auth_api.issue_token"}


class Anonymous(AnonymousUserMixin):
    id = None
    username = ""
    org_path = ""
    token_scopes = None


def init_app(app):
    app.session_interface = InstanceSecretSessionInterface()
    manager = LoginManager()
    manager.anonymous_user = Anonymous
    manager.session_protection = None  # server-side session records do this job
    manager.user_loader(load_actor_for_session)
    manager.init_app(app)
    csrf = CSRFProtect()
    csrf.init_app(app)
    app.before_request(_authenticate_bearer)
    app.before_request(lambda: _check_csrf(csrf))


def _authenticate_bearer():
    """A request carrying ``Authorization`` is judged by that header alone — never by a
    cookie as well — so skipping CSRF for it cannot be abused by a cross-site form."""
    header = request.headers.get("Authorization")
    if header is None:
        return
    actor = actor_for_bearer(get_session(), header)
    if actor is None:
        raise ApiError(401, "访问令牌无效、已过期或已被收回。", headers={"WWW-Authenticate": "Bearer"})
    g._login_user = actor  # Flask-Login's per-request cache: current_actor is this actor


def _check_csrf(csrf):
    if request.method not in UNSAFE_METHODS or request.headers.get("Authorization"):
        return
    if request.endpoint in CSRF_EXEMPT_ENDPOINTS:
        return
    try:
        csrf.protect()
    except CSRFError:
        # A 403 like any other: the shared handler audits it and answers page or problem+json.
        raise ApiError(403, "安全校验失败（CSRF 令牌缺失或无效）：页面已过期或来源不可信，请刷新页面后重试。") from None
