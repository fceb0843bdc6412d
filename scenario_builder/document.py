"""The scenario document: what one version holds, in the shape the API, export and import
share (``schemas/scenario.json``, published at ``/api/v1/scenarios/schema``)."""

import json
from pathlib import Path

FORMAT = "gridwork.scenario/1"
SCHEMA = json.loads((Path(__file__).parent / "schemas" / "scenario.json").read_text(encoding="utf-8"))
CONTENT_KEYS = ("title", "description", "icon", "triggers", "published_to", "packages")


def normalised(document):
    """The document with every optional key present, so two equal scenarios compare equal."""
    return {
        "format": FORMAT,
        "title": document["title"],
        "description": document.get("description", ""),
        "icon": document.get("icon", ""),
        # A block without settings_version was built against the installed schema.
        "blocks": [
            {key: b[key] for key in ("plugin", "block", "settings", "settings_version") if key in b}
            for b in document["blocks"]
        ],
        "triggers": document.get("triggers", []),
        "published_to": [
            {"org_path": t["org_path"], "subtree": bool(t.get("subtree"))} for t in document.get("published_to", [])
        ],
        "packages": document.get("packages", []),
    }


def content_of(document):
    """What a version row's ``content`` column keeps (blocks go to their own rows)."""
    return {key: document[key] for key in CONTENT_KEYS}
