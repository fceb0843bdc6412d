"""Remembers every lifecycle notification and the setting a fresh session saw then
(proof the change had committed)."""

from sqlalchemy import text

from core.public import hookimpl, session_scope

CALLS = []
SETTING = text("SELECT state FROM core_plugin_setting WHERE plugin = :plugin AND org_path = :path")


@hookimpl
def gridwork_lifecycle_changed(plugin, org_path, old_state, new_state):
    with session_scope() as db:
        committed = db.execute(SETTING, {"plugin": plugin, "path": org_path}).scalar()
    CALLS.append(
        {
            "plugin": plugin,
            "org_path": org_path,
            "old_state": old_state,
            "new_state": new_state,
            "committed_setting": committed,
        }
    )
