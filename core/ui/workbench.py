"""The workbench (工作台): what each plugin says its user can act on today, as counts and links."""

import logging
from dataclasses import dataclass

from core.state import state_of

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WorkItem:
    """One line of the workbench: "待走访 5 人，其中逾期 2" → ``WorkItem("待走访", 5, link,
    unit="人", overdue=2)``. Items are shown by ``order``, then title; overdue in red."""

    title: str
    count: int
    link: str
    unit: str = "项"
    overdue: int = 0
    note: str = ""
    order: int = 100


def workbench_items(session, actor):
    """Every plugin's items for ``actor``, by order and title. One plugin's failure leaves out
    its items only (logged), and never unloads the plugin: a bug in a count must not cost
    the module."""

    def skip(plugin, error):
        log.error("workbench items of %s failed: %s", plugin, error, exc_info=error)
        session.rollback()  # a failed statement must not poison the page's other reads

    answers = state_of().host.call_each("gridwork_workbench_items", on_error=skip, session=session, actor=actor)
    items = [(plugin, item) for plugin, found in answers for item in found or [] if _valid(item)]
    return sorted(items, key=lambda pair: (pair[1].order, pair[1].title))


def _valid(item):
    return isinstance(item, WorkItem) and item.count >= 0 and item.link.startswith("/")
