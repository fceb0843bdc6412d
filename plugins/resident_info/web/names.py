"""Names for people and places on the register's pages: the account that did something by
its display name (张敏, not ``community_admin``), and the 网格 filter's node — picked from
the node picker or typed as a name — read back as one node of the reader's scope."""

from core.public import ApiError, node_choices, nodes_matching
from core.public import display_names as core_display_names

SEPARATOR = " › "
NODE_TEXT_MAX = 100  # longer than any chain of names: a longer text is cut, never an error
NO_SUCH_NODE = "网格：您的管理范围内没有这个名称的网格或社区，请检查名称或从列表中选择。"


def display_names(db, usernames):
    """``{username: display name}`` for the accounts a page names; a name that is no account
    (the demo seed's "demo") stays as it is."""
    found = core_display_names(db, usernames)
    return {name: found.get(name, name) for name in usernames if name}


def node_from_args(choices, args, field="org_path", typed_field="org_name"):
    """The path of the node the 网格 filter means, among ``choices`` (``node_choices`` of the
    reader's scope): the one picked (``field``, which may carry a typed name too), or the one
    named in the picker's search box (``typed_field``) when that text does not fit the picked
    node. No node, or several, is a 422 in Chinese naming the field and never echoing the
    text: the list then shows no one rather than everyone."""
    picked = (args.get(field) or "").strip()[:NODE_TEXT_MAX]
    typed = (args.get(typed_field) or "").strip()[:NODE_TEXT_MAX]
    matches = nodes_matching(choices, picked) if picked else []
    pointer = f"/{field}"
    if typed and not (len(matches) == 1 and nodes_matching(matches, typed)):
        matches, pointer = nodes_matching(choices, typed), f"/{typed_field}"
    elif not picked:
        return ""
    if len(matches) == 1:
        return matches[0].path
    if not matches:
        raise ApiError(422, NO_SUCH_NODE, pointer=pointer)
    raise ApiError(
        422,
        f"网格：有 {len(matches)} 个网格或社区与这个名称相符，请连同所属社区的名称一起输入，或从列表中选择其一。",
        pointer=pointer,
    )


def args_with_node(db, scope, args):
    """``args`` (query or form values) as a dict whose ``org_name`` — a node's name sent by an
    API client — has become the ``org_path`` of the one node of ``scope`` it means (422 naming
    ``org_name`` when none or several fit). Without ``org_name`` nothing changes."""
    found = {key: value for key, value in args.items() if key != "org_name"}
    if (args.get("org_name") or "").strip():
        found["org_path"] = node_from_args(node_choices(db, scope), args)
    return found


def places_below_scope(choices):
    """``{path: names}`` for the nodes of ``choices``, named from below the reader's own nodes
    down: a street admin reads 幸福社区 › 第1网格 (every community has a 第1网格), a community
    admin 第1网格, a grid worker the grid's name."""
    names = {choice.path: choice.name for choice in choices}
    roots = {choice.path for choice in choices if choice.path.rpartition("/")[0] not in names}
    found = {}
    for choice in choices:
        parts = choice.path.split("/")
        ancestors = ("/".join(parts[:end]) for end in range(1, len(parts) + 1))
        chain = [names[path] for path in ancestors if path in names and path not in roots]
        found[choice.path] = SEPARATOR.join(chain) or choice.name
    return found


def import_choices(db, scope, targets):
    """The node picker's choices for an import: the nodes of ``targets`` (``[(path, name)]``,
    ``importing.services.import_targets``) with their chains of names, parents first."""
    wanted = {path for path, _name in targets}
    return [choice for choice in node_choices(db, scope) if choice.path in wanted]
