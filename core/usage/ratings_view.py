"""Who may open a rating: its rater, and admins who may reply or read usage at its node
(comments are for the admins of that node and above). Anyone else gets 404."""

from urllib.parse import urlsplit

from sqlmodel import select

from core.api.errors import not_found
from core.auth.actor import current_actor
from core.db import system_query
from core.permissions.access import can, scope_for
from core.state import state_of
from core.usage.areas import READ
from core.usage.models import Rating
from core.usage.ratings import REPLY


def rating_in_reach(db, rating_id):
    rating = db.exec(system_query(_by_id(rating_id), "resolve, then check the reach")).first()
    if rating is None:
        raise not_found()
    if rating.user_id == current_actor.id or can(current_actor, REPLY, rating.org_path):
        return rating
    if can(current_actor, READ, rating.org_path):
        return rating
    raise not_found()


def _by_id(rating_id):
    return select(Rating).where(Rating.id == rating_id)


def safe_next(target):
    """Back to the page the control was on: only a path inside Gridwork, never another site."""
    parts = urlsplit(target or "")
    if parts.scheme or parts.netloc or not (target or "").startswith("/") or target.startswith("//"):
        return "/"
    return target


def rated_module(plugin):
    """(plugin, the node the actor uses it at): a module the actor holds a permission of."""
    gridwork = state_of()
    entry = gridwork.host.get(plugin) if plugin and plugin != "core" else None
    if entry is None:
        raise not_found()
    for permission in gridwork.catalogue.all():
        if permission.owner == plugin:
            paths = scope_for(current_actor, permission.name).paths
            if paths:
                return plugin, paths[0]
    raise not_found()
