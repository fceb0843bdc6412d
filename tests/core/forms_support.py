"""A visit-record schema using every widget, and a small "browser" that submits a rendered
form as Chromium would (what is typed or chosen, nothing else)."""

from html.parser import HTMLParser

from werkzeug.datastructures import MultiDict

VISIT = {
    "type": "object",
    "additionalProperties": False,
    "required": ["visitor", "visited_on", "mood", "phone"],
    "properties": {
        "visitor": {"type": "string", "title": "走访人", "minLength": 1, "maxLength": 20, "x-order": 1},
        "visited_on": {"type": "string", "format": "date", "title": "走访日期", "x-order": 2},
        "at": {"type": "string", "format": "time", "title": "走访时间", "x-order": 3},
        "phone": {
            "type": "string",
            "title": "联系电话",
            "pattern": "^1[3-9][0-9]{9}$",
            "x-widget": "tel",
            "x-message": "手机号为 11 位数字，以 1 开头。",
            "x-order": 4,
        },
        "email": {"type": "string", "format": "email", "title": "电子邮箱", "x-order": 5},
        "mood": {
            "enum": ["good", "fair", "poor"],
            "title": "精神状态",
            "x-enum-titles": {"good": "良好", "fair": "一般", "poor": "较差"},
            "x-order": 6,
        },
        "household_size": {"type": "integer", "minimum": 1, "maximum": 20, "title": "同住人数", "x-order": 7},
        "temperature": {"type": "number", "minimum": 30, "maximum": 45, "title": "体温", "x-order": 8},
        "needs_help": {"type": "boolean", "title": "需要帮扶", "x-order": 9},
        "needs": {
            "type": "array",
            "title": "帮扶需求",
            "uniqueItems": True,
            "items": {"enum": ["meals", "cleaning", "medicine"]},
            "x-enum-titles": {"meals": "助餐", "cleaning": "保洁", "medicine": "代购药品"},
            "x-order": 10,
        },
        "contacts": {"type": "array", "title": "其他联系人", "maxItems": 3, "x-order": 11,
                     "items": {"type": "string", "maxLength": 10}},
        "grid": {"type": "string", "title": "所属网格", "x-widget": "org-node", "x-order": 12},
        "photo": {"type": "string", "title": "现场照片", "x-widget": "photo", "x-order": 13},
        "notes": {"type": "string", "title": "情况记录", "maxLength": 200, "x-widget": "textarea",
                  "x-help": "写清楚发现的问题", "x-placeholder": "如：独居，腿脚不便", "x-order": 14},
        "address": {
            "type": "object",
            "title": "住址",
            "x-order": 15,
            "required": ["building"],
            "additionalProperties": False,
            "properties": {
                "building": {"type": "string", "title": "楼栋", "minLength": 1, "maxLength": 10},
                "room": {"type": "string", "title": "房号", "maxLength": 10},
            },
        },
    },
}  # fmt: skip
GRIDS = [("c1/s1/m1/g1", "东湖街道 › 幸福社区 › 第1网格"), ("c1/s1/m1/g2", "东湖街道 › 幸福社区 › 第2网格")]


class _Browser(HTMLParser):
    """Collects what a browser would submit for the successful controls of a form."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pairs, self._select, self._selected, self._textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind == "file":
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.pairs.append((attrs["name"], attrs.get("value", "on")))
        elif tag == "select":
            self._select, self._selected = attrs["name"], None
        elif tag == "option" and self._select is not None:
            if self._selected is None or "selected" in attrs:
                self._selected = attrs.get("value", "")
        elif tag == "textarea":
            self._textarea = [attrs["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None:
            self.pairs.append((self._select, self._selected or ""))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            # The parser keeps the newline right after <textarea>, which browsers drop.
            self.pairs.append((name, text[1:] if text.startswith("\n") else text))
            self._textarea = None


def submitted(html, **typed):
    """The form data a browser sends for ``html``, with ``typed`` replacing inputs' values."""
    browser = _Browser()
    browser.feed(str(html))
    data = MultiDict(browser.pairs)
    for name, value in typed.items():
        data.setlist(name, value if isinstance(value, list) else [value])
    return data
