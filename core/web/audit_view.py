"""Audit entries as people read them (who, did what, to whom or what, where, in short) and
the filter words people type (a display name, an object's name) turned into the codes the
trail stores."""

import json
from dataclasses import replace

from sqlmodel import select

from core.auth.models import User
from core.db import system_query
from core.orgs.service import place_names
from core.permissions.models import RolePackage
from core.permissions.service import package_titles
from core.state import state_of
from core.timeutil import local_text
from core.tree.models import OrgNode
from core.users.service import display_names
from core.web.audit_objects import actor_name, plugin_descriptions, plugin_objects_named, users_by_id
from core.web.audit_summaries import Names, object_name, summary
from core.web.audit_titles import action_titles

MATCHES_MAX = 200


def readable_entries(db, entries, actor, as_json):
    """One dict per entry for the page: names instead of codes; the raw entry as JSON for 详情."""
    titles = action_titles()
    names = Names(
        users=users_by_id(db, entries),
        people=display_names(db, [e.actor for e in entries] + [(e.detail or {}).get("username", "") for e in entries]),
        packages=package_titles(db),
        places=place_names(db, sorted({e.org_path for e in entries if e.org_path})),
        plugins=state_of().host.titles(),
    )
    described = plugin_descriptions(entries, actor, as_json)
    return [_readable(entry, titles, names, described.get(entry.seq, {}), as_json) for entry in entries]


def _readable(entry, titles, names, described, as_json):
    return {
        "seq": entry.seq,
        "at": local_text(entry.at),
        "actor": actor_name(entry.actor, names.people),
        "action": titles.title(entry.action),
        "sensitive": entry.action in titles.sensitive,
        "object": described.get("object") or object_name(entry, names),
        "target": entry.target,
        "place": names.places.get(entry.org_path, ""),
        "org_path": entry.org_path,
        "summary": described.get("summary") or summary(entry, names),
        "raw": json.dumps(as_json(entry), ensure_ascii=False, indent=1),
    }


def actors_matching(db, text):
    """Usernames an actor filter means: the typed name itself (also a name that is no
    account, e.g. a mistyped login) and the accounts whose display name contains it."""
    if not text:
        return ()
    statement = select(User.username).where(User.display_name.contains(text, autoescape=True)).limit(MATCHES_MAX)
    return tuple(sorted({text, *db.exec(system_query(statement, "audit filter: actor by name")).all()}))


def targets_matching(db, text, actor):
    """Targets an object filter means: accounts, org nodes, role packages and plugins whose
    name contains ``text``, and what each plugin's ``find_audit_objects`` service finds
    (residents by name). Only entries inside the auditor's scope are listed in the end."""
    if not text:
        return ()
    like = {"autoescape": True}
    users = select(User.id).where(User.display_name.contains(text, **like)).limit(MATCHES_MAX)
    nodes = select(OrgNode.id).where(OrgNode.name.contains(text, **like)).limit(MATCHES_MAX)
    packages = select(RolePackage.name).where(RolePackage.title_zh.contains(text, **like)).limit(MATCHES_MAX)
    found = {f"user:{i}" for i in db.exec(system_query(users, "audit filter: object by name")).all()}
    found |= {f"org:{i}" for i in db.exec(system_query(nodes, "audit filter: object by name")).all()}
    found |= {f"package:{name}" for name in db.exec(packages).all()}
    found |= {f"plugin:{name}" for name, title in state_of().host.titles().items() if text in title}
    found |= plugin_objects_named(text, actor)
    return tuple(sorted(found))  # empty: the filter matches nothing (never everything)


def resolve_filter(db, filters, actor):
    """The filter with the typed names turned into the usernames and targets they mean."""
    return replace(
        filters,
        actors=actors_matching(db, filters.actor),
        targets=targets_matching(db, filters.object, actor),
        sensitive_actions=tuple(sorted(action_titles().sensitive)),
    )
