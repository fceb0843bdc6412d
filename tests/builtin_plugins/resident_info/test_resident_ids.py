"""The ID number and phone rules: what a grid worker types is accepted exactly when it is a
real, well-formed number, and every way it shows up again is masked."""

import random
from datetime import date

import pytest

from plugins.resident_info.register.ids import (
    EARLIEST_BIRTH,
    PROVINCE_CODES,
    check_character,
    id_facts,
    id_problem,
    is_valid_id,
    mask_id,
    mask_phone,
    normalize_id,
    phone_problem,
)

TODAY = date(2025, 6, 30)  # pinned: "not in the future" must not drift with the calendar
SEED = 11643
ID_ALPHABET = "0123456789X"


def generated_ids(count):
    """``count`` random valid IDs: real province codes, birth dates 1900..TODAY, any
    sequence number, the check character computed."""
    rng = random.Random(SEED)
    provinces = sorted(PROVINCE_CODES)
    first, last = EARLIEST_BIRTH.toordinal(), TODAY.toordinal()
    found = []
    for _ in range(count):
        born = date.fromordinal(rng.randint(first, last)).strftime("%Y%m%d")
        first17 = f"{rng.choice(provinces)}{rng.randrange(10_000):04d}{born}{rng.randrange(1000):03d}"
        found.append(first17 + check_character(first17))
    return found


@pytest.fixture(scope="module")
def valid_ids():
    return generated_ids(10_000)


def test_ten_thousand_generated_ids_are_all_accepted(valid_ids):
    assert len(set(valid_ids)) == 10_000
    assert [value for value in valid_ids if id_problem(value, TODAY) is not None] == []


def test_every_single_character_substitution_is_rejected(valid_ids):
    mutants = [
        value[:i] + char + value[i + 1 :]
        for value in valid_ids
        for i in range(18)
        for char in ID_ALPHABET
        if char != value[i]
    ]
    assert len(mutants) == 10_000 * 18 * 10
    accepted = [mutant for mutant in mutants if id_problem(mutant, TODAY) is None]
    assert accepted == []


def test_every_adjacent_transposition_is_rejected(valid_ids):
    mutants = [
        value[:i] + value[i + 1] + value[i] + value[i + 2 :]
        for value in valid_ids
        for i in range(17)
        if value[i] != value[i + 1]
    ]
    assert len(mutants) > 100_000
    assert [mutant for mutant in mutants if id_problem(mutant, TODAY) is None] == []


def test_the_standards_worked_examples_validate():
    for value in ("11010519491231002X", "34052419800101001X", "513101198201130014"):
        assert is_valid_id(value, TODAY), value
    assert id_problem("110105194912310021", TODAY) == "身份证号校验位不正确，请逐位核对。"


VALID = "11010519491231002X"


@pytest.mark.parametrize(
    "typed, reason",
    [
        ("１１０１０５１９４９１２３１００２Ｘ", "半角"),  # full-width digits from an IME
        ("11010519491231002Ｘ", "半角"),  # one full-width character
        ("١١٠١٠٥١٩٤٩١٢٣١٠٠٢X", "半角"),  # Arabic-Indic digits
        ("¹¹⁰¹⁰⁵¹⁹⁴⁹¹²³¹⁰⁰²X", "半角"),  # superscripts (NFKC would turn them into digits)
        ("1101051949\u200b1231002X", "半角"),  # zero-width space
        (" 11010519491231002X", "空格"),
        ("11010519491231002X ", "空格"),
        ("110105 19491231002X", "空格"),
        ("11010519491231002\t", "空格"),
        ("1101051949123100", "应为 18 位，当前为 16 位"),
        ("11010519491231002", "应为 18 位，当前为 17 位"),
        ("11010519491231002X1", "应为 18 位，当前为 19 位"),
        ("110105491231002", "15 位"),  # the old 1989 card
        ("", "请填写身份证号"),
        ("1101051949123100XX", "前 17 位必须是数字"),
        ("11010519491231002A", "最后一位是数字或 X"),
        ("11010519490231002X", "出生日期"),  # 31 February
        ("11010519491331002X", "出生日期"),  # month 13
        ("11010520990101002X", "晚于今天"),
        ("11010518991231002X", "早于 1900 年"),
        ("00010519491231002X", "省级行政区划代码"),
        ("99010519491231002X", "省级行政区划代码"),
        ("110105194912310029", "校验位"),
    ],
)
def test_a_bad_id_is_refused_with_a_chinese_reason(typed, reason):
    problem = id_problem(typed, TODAY)
    assert problem is not None and reason in problem, (typed, problem)


def test_a_15_digit_number_is_asked_for_in_its_18_digit_form():
    assert id_problem("110105491231002", TODAY) == "不再接受 15 位的旧身份证号，请填写 18 位身份证号。"


def test_a_lower_case_x_is_accepted_and_stored_upper_case():
    assert is_valid_id("11010519491231002x", TODAY)
    assert normalize_id("11010519491231002x") == VALID
    assert normalize_id(VALID) == VALID


def test_birth_date_and_gender_come_from_the_id():
    facts = id_facts(VALID)
    assert facts.birth_date == date(1949, 12, 31) and facts.gender == "female"  # 17th digit 2: even
    assert id_facts("513101198201130014").gender == "male"  # 17th digit 1: odd
    assert id_facts("513101198201130014").birth_date == date(1982, 1, 13)


@pytest.mark.parametrize(
    "phone",
    [
        "13812345678",
        "19912345678",
        "17012345678",
        "010-12345678",
        "021-87654321",
        "0571-1234567",
        "0571-12345678",
        "0571-1234567-123",
        "010-62345678-8001",
    ],
)
def test_mainland_mobiles_and_landlines_with_an_area_code_are_accepted(phone):
    assert phone_problem(phone) is None


@pytest.mark.parametrize(
    "phone, reason",
    [
        ("12812345678", "13–19"),
        ("1381234567", "13–19"),
        ("138123456789", "13–19"),
        ("１３８１２３４５６７８", "半角"),
        ("138 1234 5678", "空格"),
        ("13812345678 ", "空格"),
        ("+8613812345678", "格式不正确"),
        ("01012345678", "区号-号码"),
        ("010-0234567", "区号-号码"),
        ("010-123456", "区号-号码"),
        ("0571-1234567-1234567", "区号-号码"),
        ("电话", "半角"),
        ("", "请填写电话号码"),
    ],
)
def test_a_bad_phone_is_refused_with_a_chinese_reason(phone, reason):
    problem = phone_problem(phone)
    assert problem is not None and reason in problem, (phone, problem)


def test_an_id_shows_its_last_2_characters_only():
    assert mask_id("110105199003071234") == "****************34"
    assert mask_id(VALID) == "****************2X"
    assert mask_id(None) is None and mask_id("") == ""


def test_an_id_masked_the_old_way_in_stored_history_masks_to_the_same_answer():
    assert mask_id("110***********1234") == mask_id("110105199003071234")


def test_a_mobile_shows_138_and_the_last_4_digits():
    assert mask_phone("13812345678") == "138****5678"


def test_a_landline_keeps_its_area_code_and_last_4_digits():
    assert mask_phone("010-12345678") == "010-****5678"
    assert mask_phone("0571-1234567") == "0571-***4567"
    assert mask_phone("0571-1234567-89") == "0571-***4567-**"
