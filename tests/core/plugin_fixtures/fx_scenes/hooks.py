"""Two blocks: ``notes`` (settings version 2: version 1 called ``days`` ``span``) and
``broken``, whose render always raises."""

from markupsafe import escape

from core.public import BlockType, hookimpl

REMEMBERED = []
REFUSED = set()  # texts ``remember`` fails on (a test adds one, then removes it and retries)


def render_notes(settings, context):
    return f'<p class="notes">{escape(settings.get("heading", "记事"))}：{settings["days"]} 天</p>'


def render_broken(settings, context):
    raise RuntimeError("this block always fails")


def migrate_notes(settings, from_version):
    if from_version < 2:
        settings = {key: value for key, value in settings.items() if key != "span"} | {"days": settings.get("span", 7)}
    return settings


def remember(data, context):
    if data["text"] in REFUSED:
        raise RuntimeError("refused on purpose")
    REMEMBERED.append(data["text"])


def flag(data, context):
    """An action no event of ``notes`` can feed (it needs a yes/no): never offered for ``noted``."""


@hookimpl
def gridwork_blocks():
    return [
        BlockType("fx_scenes", "notes", render_notes, "fx_scenes.view", {"remember": remember}, migrate_notes),
        BlockType("fx_scenes", "broken", render_broken, "fx_scenes.view", {"flag": flag}),
    ]
