"""Reading the lifecycle: the live rows of a plugin and what they mean at a node."""

from dataclasses import dataclass
from typing import Optional

from sqlmodel import select

from core.db import system_query
from core.lifecycle.models import SEVERITY, LifecycleStep
from core.tree.paths import covers

ACTIVE = "active"
STATE_TITLES = {ACTIVE: "正常使用", "flagged": "即将下线", "frozen": "已冻结（只读）", "retired": "已下线"}
REASON = "lifecycle rows are read for a node the caller checked"


def live_steps(db, plugin=None):
    """Every retirement not restored (of ``plugin``, or of all plugins)."""
    statement = select(LifecycleStep).where(LifecycleStep.restored_at.is_(None))
    if plugin:
        statement = statement.where(LifecycleStep.plugin == plugin)
    return db.exec(system_query(statement.order_by(LifecycleStep.org_path), REASON)).all()


@dataclass(frozen=True)
class NodeLifecycle:
    state: str  # active | flagged | frozen | retired
    deciding: Optional[LifecycleStep]  # the row at or above the node that decides it
    here: Optional[LifecycleStep]  # the live row started at this very node

    @property
    def title(self):
        return STATE_TITLES[self.state]


def lifecycle_at(steps, path):
    """The state at ``path``: the most advanced live step at or above it decides."""
    covering = [step for step in steps if covers(step.org_path, path)]
    here = next((step for step in covering if step.org_path == path), None)
    if not covering:
        return NodeLifecycle(ACTIVE, None, here)
    deciding = max(covering, key=lambda step: (SEVERITY[step.state], -len(step.org_path)))
    return NodeLifecycle(deciding.state, deciding, here)
