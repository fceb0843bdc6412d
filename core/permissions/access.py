"""``can``, ``scope_for`` and the ``@require`` view decorator: the permission checks views use."""

from functools import wraps

from flask import g, has_request_context, redirect, request, url_for

from core.api.errors import ApiError, wants_problem_json
from core.auth.actor import current_actor
from core.state import state_of
from core.tree.scope import DataScope


def policy_engine():
    return state_of().policy


def _token_allows(actor, permission):
    scopes = getattr(actor, "token_scopes", None)
    return scopes is None or "*" in scopes or permission in scopes


def can(actor, permission, org_path):
    """May ``actor`` use ``permission`` at ``org_path``? Grants cover their whole subtree.

    On the hot path: the policy engine validates ``org_path`` only on a cache miss (only
    valid paths are ever cached)."""
    if not getattr(actor, "is_authenticated", False):
        return False
    scopes = actor.token_scopes
    if scopes is not None and "*" not in scopes and permission not in scopes:
        return False
    allowed = state_of().policy.allows(actor.id, permission, org_path)
    if allowed:
        note_use(permission, org_path)
    return allowed


def note_use(permission, org_path=None, home=None):
    """Remember, for usage metering (``core.usage.meter``), that this request used a plugin
    permission — at ``org_path`` when the check named a node; ``home`` is where ``@require``
    found it held, for a view that names no node. Only a dict in ``g``: the request counts
    once, when it ends, whatever it checked how often."""
    if permission.startswith("core.") or not has_request_context():
        return
    uses = g.get("usage_checks")
    if uses is None:
        uses = g.usage_checks = {}
    node, known_home = uses.get(permission, (None, None))
    uses[permission] = (node or org_path, known_home or home)


def scope_for(actor, permission):
    """The subtrees where ``actor`` holds ``permission``; empty when nowhere."""
    if not getattr(actor, "is_authenticated", False) or not _token_allows(actor, permission):
        return DataScope(())
    return DataScope.from_terms(policy_engine().scope_terms(actor.id, permission))


def require(permission):
    """Let the view run only for a signed-in actor who holds ``permission`` somewhere.

    Which node the request touches is decided by the view, through ``scope_for``/``can``
    on the resolved record: a record outside the scope answers 404, not 403.
    """

    def decorator(view):
        @wraps(view)
        def checked(*args, **kwargs):
            if not current_actor.is_authenticated:
                return _unauthenticated()
            scope = scope_for(current_actor, permission)
            if not scope:
                _refuse(permission)
            note_use(permission, home=scope.paths[0])
            return view(*args, **kwargs)

        checked.required_permission = permission
        return checked

    return decorator


def login_required(view):
    """For views any signed-in actor may use (their own profile, password, tokens)."""

    @wraps(view)
    def checked(*args, **kwargs):
        if not current_actor.is_authenticated:
            return _unauthenticated()
        return view(*args, **kwargs)

    checked.required_permission = None
    return checked


def _unauthenticated():
    if wants_problem_json():
        raise ApiError(401, "请先登录，或在 Authorization 头中提供有效的访问令牌。")
    return redirect(url_for("core_auth.login", next=request.full_path))


def _refuse(permission):
    """403 when the actor lacks the permission; 404 when they hold it but its plugin is
    switched off everywhere they could use it (the module does not exist there)."""
    if _token_allows(current_actor, permission) and policy_engine().scope_paths(current_actor.id, permission):
        raise ApiError(404, "该功能模块在您的组织未启用。")
    deny(permission)


def deny(permission):
    """403; the shared ApiError handler writes the audit entry for every refusal."""
    g.denied_permission = permission
    raise ApiError(403, f"您没有“{permission_title(permission)}”权限。如需使用，请联系您的管理员。")


def permission_title(permission):
    """The Chinese title a user reads in the refusal; the code stays in the audit entry."""
    known = state_of().catalogue.get(permission)
    return known.title_zh if known else permission
