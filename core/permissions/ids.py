"""Strict identifiers for everything that enters a Casbin rule.

Casbin serialises rules as comma-joined text and keeps a cache per domain string, so only
opaque, validated ids go in: never names or free text (library-notes §2.7, §2.10).
"""

import re

from pypinyin import lazy_pinyin

PACKAGE_NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,63}$")


def name_from_title(title):
    """A package identifier an admin need not type: the title in pinyin (社区网格员 →
    ``she_qu_wang_ge_yuan``), letters and digits only, starting with a letter."""
    words = [re.sub(r"[^a-z0-9]", "", word.lower()) for word in lazy_pinyin(title or "")]
    name = "_".join(word for word in words if word)[:56].strip("_")
    if not name or not name[0].isalpha():
        name = f"role_{name}".strip("_")
    return name if PACKAGE_NAME_PATTERN.fullmatch(name) else "role_package"


def user_subject(user_id):
    return f"u:{int(user_id)}"


def package_subject(package_name):
    if not isinstance(package_name, str) or not PACKAGE_NAME_PATTERN.fullmatch(package_name):
        raise ValueError(f"角色包标识不正确：{package_name!r}")
    return f"pkg:{package_name}"


def package_name_of(subject):
    return subject.removeprefix("pkg:")


def user_id_of(subject):
    return int(subject.removeprefix("u:"))
