"""Who acts and where they may, as the register's services want it: an ``Access``. The
web layer builds one from the signed-in actor; the importer and the CLI build their own
(an importer writes where it holds ``IMPORT``; the CLI operator acts over a
whole subtree). No Flask request here: the caller passes the client's address."""

from dataclasses import dataclass

from core.public import DataScope, scope_for
from plugins.resident_info.permissions import READ, READ_HEALTH, READ_SENSITIVE, WRITE


@dataclass(frozen=True)
class Access:
    """Each scope already leaves out the org nodes where the plugin is switched off."""

    username: str
    read: DataScope
    write: DataScope
    sensitive: DataScope = DataScope(())
    health: DataScope = DataScope(())
    ip: str = ""


def access_for(actor, ip=""):
    """The actor's reach for reading and editing the register."""
    return Access(
        username=actor.username,
        read=scope_for(actor, READ),
        write=scope_for(actor, WRITE),
        sensitive=scope_for(actor, READ_SENSITIVE),
        health=scope_for(actor, READ_HEALTH),
        ip=ip,
    )
