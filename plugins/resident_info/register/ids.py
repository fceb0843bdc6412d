"""Resident ID numbers (GB 11643-1999) and phone numbers: strict checks, facts derived from
an ID, and masking. Pure functions, no database, no Flask — the register, the importer and
the tests all use these.

Decisions (see the reliability notes §2):

- **ASCII only, checked before anything else.** Python's ``\\d`` and a JSON Schema
  ``pattern`` accept full-width (``１２３``) and Arabic-Indic digits; one person could then be
  stored under two spellings and slip past the one-record-per-county rule. Every pattern
  here uses ``[0-9]`` and any non-ASCII character is refused, never silently converted.
- **Spaces are refused**, leading and trailing ones too: a pasted value with a stray space
  is a sign to look again, and the message says exactly that.
- **A lower-case ``x`` is accepted and stored as ``X``.** It is what the check character
  means, phone keyboards and IMEs produce it, and refusing it would only make grid workers
  retype. Stored values always end in ``X``, so uniqueness is not affected.
- **Birth dates from 1900-01-01 to today.** A register of people living here has no one
  born earlier; the checksum already catches typos. (The standard's own 1880 example is
  therefore refused; ``EARLIEST_BIRTH`` is the one place to change that.)
- **Region code**: the first two digits must be a province-level code of GB/T 2260
  (plus 71/81/82/83 for Taiwan, Hong Kong and Macau residents). Retired county codes are
  still valid on old cards, so the other four digits are not looked up.
- **15-digit cards (GB 11643-1989) are refused**, with a message asking for the 18-digit
  number: they expired long ago and converting would invent a check character.
"""

import re
from datetime import date
from operator import mul
from typing import NamedTuple

from core.public import clock

ID_LENGTH = 18
EARLIEST_BIRTH = date(1900, 1, 1)
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
_ZERO_OFFSET = ord("0") * sum(WEIGHTS)
PROVINCE_CODES = frozenset(
    {
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
        "83",
    }
)
_ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]")
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
# Area code 010/02x (3 digits) or 0[3-9]xx (4 digits), a hyphen, a 7–8 digit local number
# that does not start with 0, and an optional extension.
_LANDLINE = re.compile(r"(0(?:10|2[0-9]|[3-9][0-9]{2}))-([1-9][0-9]{6,7})(?:-([0-9]{1,6}))?")
_WHITESPACE = re.compile(r"\s")


class IdFacts(NamedTuple):
    """What a valid ID number says about its holder."""

    birth_date: date
    gender: str  # "male" | "female"


def normalize_id(raw):
    """The ID as stored (trailing ``x`` upper-cased); no other change is ever made."""
    return raw[:-1] + "X" if raw.endswith("x") else raw


def check_character(first17):
    """The GB 11643 / ISO 7064 MOD 11-2 check character of the first 17 (ASCII) digits."""
    # Σ w·(byte − 48) = Σ w·byte − 48·Σ w: one C-level pass over the bytes, no int() per digit.
    return CHECK_CHARACTERS[(sum(map(mul, first17.encode("ascii"), WEIGHTS)) - _ZERO_OFFSET) % 11]


def id_problem(raw, today=None):
    """Why ``raw`` is not a valid resident ID number (Chinese), or None when it is.

    ``raw`` is what the person typed; pass it through ``normalize_id`` before storing.
    """
    if not isinstance(raw, str) or raw == "":
        return "请填写身份证号。"
    if not raw.isascii():
        return "身份证号只能包含半角数字和字母 X，请关闭全角输入法后重新输入。"
    if _WHITESPACE.search(raw):
        return "身份证号中不能有空格。"
    if len(raw) != ID_LENGTH:
        if len(raw) == 15 and raw.isdigit():
            return "不再接受 15 位的旧身份证号，请填写 18 位身份证号。"
        return f"身份证号应为 18 位，当前为 {len(raw)} 位。"
    value = normalize_id(raw)
    if not _ID_SHAPE.fullmatch(value):
        return "身份证号格式不正确：前 17 位必须是数字，最后一位是数字或 X。"
    if value[:2] not in PROVINCE_CODES:
        return "身份证号前两位不是有效的省级行政区划代码。"
    birth = _birth_date(value)
    if birth is None:
        return "身份证号中的出生日期（第 7–14 位）不是有效日期。"
    if birth > (today or clock.today()):
        return "身份证号中的出生日期晚于今天。"
    if birth < EARLIEST_BIRTH:
        return "身份证号中的出生日期早于 1900 年。"
    if check_character(value[:17]) != value[17]:
        return "身份证号校验位不正确，请逐位核对。"
    return None


def is_valid_id(raw, today=None):
    return id_problem(raw, today) is None


def _birth_date(value):
    try:
        return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def id_facts(value):
    """Birth date and gender of a valid, normalised ID (17th digit odd = male)."""
    return IdFacts(_birth_date(value), "male" if int(value[16]) % 2 else "female")


def last4(value):
    """The last four characters, the register's search key for an ID."""
    return value[-4:] if value else None


# ---------------------------------------------------------------- phones


def phone_problem(raw):
    """Why ``raw`` is not a mainland mobile or landline number (Chinese), or None."""
    if not isinstance(raw, str) or raw == "":
        return "请填写电话号码。"
    if not raw.isascii():
        return "电话号码只能包含半角数字和连字符“-”，请关闭全角输入法后重新输入。"
    if _WHITESPACE.search(raw):
        return "电话号码中不能有空格。"
    if _MOBILE.fullmatch(raw) or _LANDLINE.fullmatch(raw):
        return None
    if raw.isdigit() and raw.startswith("1"):
        return "手机号应为以 13–19 开头的 11 位数字。"
    return "电话号码格式不正确：手机号为 11 位数字，固定电话为“区号-号码”，如 010-12345678 或 0571-1234567-123。"


def is_mobile(value):
    return bool(value) and _MOBILE.fullmatch(value) is not None


# ---------------------------------------------------------------- masking


def mask(value, head, tail):
    """``value`` with all but the first ``head`` and last ``tail`` characters as ``*``."""
    if not value:
        return value
    if len(value) <= head + tail:
        return "*" * len(value)
    return value[:head] + "*" * (len(value) - head - tail) + value[-tail:]


def mask_id(value):
    """``110105199003071234`` → ``****************34``: only the last two characters (the
    gender digit and the check character) show. Beside the age and gender every reader sees,
    that leaves about 3,300 possible IDs even for someone who knows the county's region codes
    — the last four would leave about 33 (README "Masking"). Applied to a value masked the
    old way (``110***********1234``, in old history rows) it gives the same answer."""
    return mask(value, 0, 2)


def mask_phone(value):
    """Mobile ``13812345678`` → ``138****5678`` (first 3, last 4). Landline: the area code
    stays (it names a city, not a person), the local number shows its last 4 digits and the
    extension hides: ``010-12345678`` → ``010-****5678``, ``0571-1234567-89`` →
    ``0571-***4567-**``."""
    if not value:
        return value
    landline = _LANDLINE.fullmatch(value)
    if landline is None:
        return mask(value, 3, 4)
    area, local, extension = landline.groups()
    masked = f"{area}-{mask(local, 0, 4)}"
    return masked + ("-" + "*" * len(extension) if extension else "")
