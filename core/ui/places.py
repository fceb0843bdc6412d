"""Node names in templates: ``{{ path|place }}`` → ``东湖街道 › 幸福社区 › 第1网格`` and
``{{ path|place_short }}`` → ``第1网格``; ``{{ place(path) }}`` from core/_place.html shows the
short name with the chain as its tooltip. A page never shows a bare ``c01/s01/m01/g01``.

Names are looked up once per path and request (``flask.g``): a list of 50 residents in three
grids costs three small queries, not fifty.
"""

from flask import g

from core.db import get_session
from core.orgs.picker import SEPARATOR
from core.orgs.service import place_names


def place_label(path):
    if not path:
        return ""
    cache = g.setdefault("gridwork_place_names", {})
    if path not in cache:
        cache.update(place_names(get_session(), [path]))
    return cache[path]


def place_short(path):
    return place_label(path).rsplit(SEPARATOR, 1)[-1]
