"""URL converters. ``<int:…>`` is bounded to what every database column can hold, so a
huge id is an ordinary 404 instead of an integer-overflow 500 on PostgreSQL."""

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1


class BoundedIntegerConverter(IntegerConverter):
    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def init_app(app):
    app.url_map.converters["int"] = BoundedIntegerConverter
