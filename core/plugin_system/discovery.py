"""Which plugins to load: built-ins and packages from the ``gridwork.plugins`` entry-point
group, narrowed by configuration.

- ``PLUGINS_AUTOLOAD`` (``GRIDWORK_PLUGINS_AUTOLOAD=false``): skip third-party packages;
  the built-ins shipped in the ``gridwork`` distribution still load.
- ``PLUGINS_ALLOW`` (``GRIDWORK_PLUGINS_ALLOW=a,b``): load only these names.
- ``EXTRA_PLUGINS`` (``["name=module.path.hooks"]``): register modules that are not
  installed as distributions (tests, local development).
"""
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Optional

ENTRY_POINT_GROUP = "gridwork.plugins"
OWN_DISTRIBUTION = "gridwork"


@dataclass(frozen=True)
class Candidate:
    name: str
    module: str  # the plugin's hooks module, e.g. "plugins.resident_info.hooks"
    source: str  # "builtin" | "package" | "config"
    distribution: Optional[str] = None
    version: Optional[str] = None


def discover(config):
    allow = _allow_list(config.get("PLUGINS_ALLOW"))
    autoload = _switched_on(config.get("PLUGINS_AUTOLOAD", True))
    found = [*_from_entry_points(), *_from_config(config.get("EXTRA_PLUGINS") or [])]
    return [c for c in found if (autoload or c.source != "package") and (allow is None or c.name in allow)]


def _from_entry_points():
    for entry in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        dist = entry.dist
        dist_name = (dist.metadata["Name"] if dist else "") or ""
        source = "builtin" if dist_name.lower() == OWN_DISTRIBUTION else "package"
        yield Candidate(entry.name, entry.value.split(":")[0], source, dist_name or None, dist.version if dist else None)


def _from_config(entries):
    for entry in entries:
        name, _, module = entry.partition("=")
        yield Candidate(name.strip(), module.strip(), "config")


def _switched_on(value):
    """Environment values arrive as text in any spelling: "false", "False", "off", "0", "no"."""
    if isinstance(value, str):
        return value.strip().lower() not in ("false", "0", "off", "no", "")
    return bool(value)


def _allow_list(value):
    if value in (None, "", []):
        return None
    if isinstance(value, str):
        value = value.split(",")
    return {name.strip() for name in value if name.strip()}
