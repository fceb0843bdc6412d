"""A page filter that takes an org node: the path a node picker sends, or a name someone typed.

A name that fits no node, or several, is an error the page shows in Chinese (naming the field,
never echoing the text) with no rows: an unclear filter must not quietly list everything.
"""

from dataclasses import dataclass

from flask_babel import gettext as _

from core.orgs.picker import nodes_matching


@dataclass(frozen=True)
class NodeFilter:
    path: str = ""  # "" = no node filter
    problem: str | None = None  # Chinese message when the text means no single node

    @property
    def unclear(self):
        return self.problem is not None


def node_filter(choices, text, field=None):
    """Read ``text`` against ``choices`` (core.orgs.picker.node_choices) for the filter ``field``."""
    field = field or _("组织")
    if not (text or "").strip():
        return NodeFilter()
    matches = nodes_matching(choices, text)
    if len(matches) == 1:
        return NodeFilter(matches[0].path)
    if not matches:
        return NodeFilter(
            problem=_("%(field)s：没有找到这个名称的组织（或不在您的范围内），请从列表中选择。", field=field)
        )
    return NodeFilter(
        problem=_("%(field)s：有 %(n)s 个组织符合，请输入更完整的名称或从列表中选择。", field=field, n=len(matches))
    )
