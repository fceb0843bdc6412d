"""Org nodes by name: the choices a node picker offers and the node a typed name means.

Every form, filter and grant page picks a node from ``node_choices`` (the actor's scope, in
tree order, labelled ``东湖街道 › 幸福社区 › 第1网格``) and reads what came back with
``node_from_text``, which accepts the value of a choice (the path a ``<select>`` sends) or
what a person types: a node's name, a part of it, or its labelled chain. A name that fits
several nodes is not guessed at: the caller gets all of them and says so.
"""

from dataclasses import dataclass

from core.orgs.service import org_nodes_in, place_names

SEPARATOR = " › "


@dataclass(frozen=True)
class NodeChoice:
    path: str
    name: str
    label: str  # the names from below the county down to this node
    depth: int

    def __str__(self):
        return self.label


def node_choices(db, scope):
    """The nodes inside ``scope`` (a DataScope), parents first, each with its chain of names."""
    nodes = org_nodes_in(db, scope)
    labels = place_names(db, [node.path for node in nodes])
    return [NodeChoice(node.path, node.name, labels[node.path], node.depth) for node in nodes]


def nodes_matching(choices, text):
    """The choices ``text`` means: the one with that path, else exact names or chains, else the
    ones whose chain contains it (spaces and › ignored, so "幸福社区第1网格" works)."""
    wanted = (text or "").strip()
    if not wanted:
        return []
    by_path = [choice for choice in choices if choice.path == wanted]
    if by_path:
        return by_path
    exact = [choice for choice in choices if wanted in (choice.name, choice.label)]
    if exact:
        return exact
    squeezed = _squeeze(wanted)
    return [choice for choice in choices if squeezed in _squeeze(choice.label)]


def node_from_text(choices, text):
    """The path ``text`` means, or None when it means no node or more than one."""
    matches = nodes_matching(choices, text)
    return matches[0].path if len(matches) == 1 else None


def _squeeze(text):
    return "".join(text.replace(SEPARATOR.strip(), " ").split())
