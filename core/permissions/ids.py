"""Strict identifiers for everything that enters a Casbin rule.

Casbin serialises rules as comma-joined text and keeps a cache per domain string, so only
opaque, validated ids go in: never names or free text (library-notes §2.7, §2.10).
"""

import re

PACKAGE_NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,63}$")


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
