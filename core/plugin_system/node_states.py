"""What the plugins page tells an admin about one plugin at one node: where its state comes
from (set here, inherited from which node, forbidden by which node above), which settings
are worth offering there, and which nodes a change would switch the plugin off for."""

from dataclasses import dataclass
from typing import Optional

from sqlmodel import select

from core.plugin_system.enablement import settings_of
from core.tree.models import OrgNode
from core.tree.paths import covers
from core.tree.regions import effective_state
from core.tree.scope import DataScope, scope_of_model

HERE, INHERITED, FORBIDDEN_ABOVE, DEFAULT = "here", "inherited", "forbidden_above", "default"


@dataclass(frozen=True)
class NodeState:
    state: str  # enabled | disabled | forbidden
    origin: str  # HERE | INHERITED | FORBIDDEN_ABOVE | DEFAULT
    origin_path: Optional[str]  # the node whose setting decides; None for the default
    setting_here: Optional[str]  # the setting stored at this very node, if any

    def offered(self, may_forbid):
        """The settings worth a button here: none under a forbid from above (it decides
        everything below it), never the one already set here, forbid only with the right."""
        if self.origin == FORBIDDEN_ABOVE:
            return ()
        if self.setting_here == "forbidden" and not may_forbid:
            return ()
        choices = [choice for choice in ("enabled", "disabled") if choice != self.setting_here]
        if may_forbid and self.setting_here != "forbidden":
            choices.append("forbidden")
        if self.setting_here is not None:
            choices.append("inherit")
        return tuple(choices)


def node_state(settings, path):
    """The NodeState of a plugin at ``path`` from its [(org path, state)] settings."""
    setting_here = dict(settings).get(path)
    forbidding = sorted(p for p, s in settings if s == "forbidden" and covers(p, path))
    if forbidding:
        origin = HERE if forbidding[0] == path else FORBIDDEN_ABOVE
        return NodeState("forbidden", origin, forbidding[0], setting_here)
    deciding = [p for p, _state in settings if covers(p, path)]
    if not deciding:
        return NodeState("disabled", DEFAULT, None, setting_here)
    nearest = max(deciding, key=len)
    origin = HERE if nearest == path else INHERITED
    return NodeState(effective_state(settings, path), origin, nearest, setting_here)


def switched_off_by(db, plugin, path, setting):
    """Paths of the nodes at and below ``path`` where the plugin is on now and would be off
    after ``setting`` is stored at ``path`` — what the confirmation names and counts."""
    before = settings_of(db, plugin)
    after = [(p, s) for p, s in before if p != path] + ([] if setting == "inherit" else [(path, setting)])
    subtree = db.exec(scope_of_model(select(OrgNode.path), DataScope((path,)), OrgNode)).all()
    return sorted(
        p for p in subtree if effective_state(before, p) == "enabled" and effective_state(after, p) != "enabled"
    )
