"""The signed-in actor's reach in this plugin, as the services want it (an ``Access``)."""
from flask import request

from core.public import current_actor, scope_for

from plugins.resident_info.services import READ, READ_HEALTH, READ_SENSITIVE, WRITE, Access


def current_access():
    actor = current_actor._get_current_object()
    return Access(username=actor.username, read=scope_for(actor, READ), write=scope_for(actor, WRITE),
                  sensitive=scope_for(actor, READ_SENSITIVE), health=scope_for(actor, READ_HEALTH),
                  ip=request.remote_addr or "")
