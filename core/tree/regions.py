"""Where a plugin is enabled: the settings of all nodes, turned into regions of the tree.

Rules: the nearest setting at or above a node decides (enabled / disabled), except that a
``forbidden`` setting anywhere above wins over everything below it — a county can forbid
a module for its whole subtree. No setting at all means disabled: a county decides what
it offers. The core itself is always enabled.

A region is a tuple of terms ``(path, excluded paths)``: the subtree at ``path`` minus the
subtrees in ``excluded``. ``DataScope`` filters SQL with the same terms.
"""

from core.tree.paths import covers

ALWAYS_ON = "core"


def enabled_terms(settings):
    """Terms where a plugin is enabled, from its [(org path, state)] settings."""
    forbidden = [path for path, state in settings if state == "forbidden"]
    switched_off = [path for path, state in settings if state != "enabled"]
    terms = []
    for path, state in settings:
        if state != "enabled" or any(covers(f, path) for f in forbidden):
            continue
        holes = tuple(sorted(off for off in switched_off if off != path and covers(path, off)))
        terms.append((path, holes))
    return tuple(sorted(terms))


def term_covers(term, path):
    root, holes = term
    return covers(root, path) and not any(covers(hole, path) for hole in holes)


def intersect(grant_paths, terms):
    """Terms for the part of the grant subtrees where the plugin is enabled."""
    result = set()
    for grant in grant_paths:
        for root, holes in terms:
            if covers(root, grant):  # the grant sits inside the enabled term
                if not any(covers(hole, grant) for hole in holes):
                    result.add((grant, tuple(h for h in holes if covers(grant, h))))
            elif covers(grant, root):  # the enabled term sits inside the grant
                result.add((root, holes))
    return tuple(sorted(result))


def effective_state(settings, path):
    """ "enabled", "disabled" or "forbidden" at ``path``."""
    if any(state == "forbidden" and covers(p, path) for p, state in settings):
        return "forbidden"
    nearest = max(((p, s) for p, s in settings if covers(p, path)), key=lambda item: len(item[0]), default=None)
    return "enabled" if nearest and nearest[1] == "enabled" else "disabled"
