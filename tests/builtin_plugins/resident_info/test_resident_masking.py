"""Masks that cannot be undone: for every response a reader without read_sensitive can get,
what it shows of a resident — the masked ID, the age, the gender, the history, the order of
a sorted list, the answers to probing edits and filters, a masked export — leaves at least
1,000 ID numbers the resident could have, even for someone who knows the region code.

How the count works (README "Masking"): an ID is a 6-digit region code, the birth date as
8 digits, a 3-digit sequence whose last digit is odd for men, and a check character. The
attacker is given the true region code; every birth date the visible facts allow and every
sequence consistent with the visible characters and the gender is counted, and where the
check character shows, only the combinations that produce it."""

import io
import re
from collections import Counter
from datetime import date, timedelta

import pytest
from import_helpers import csv_file, person_row, run
from openpyxl import load_workbook
from resident_helpers import ID_CHECK_CHARACTERS, ID_WEIGHTS, RESIDENTS, audit_of, make_id, package_with, register

MINIMUM = 1_000
MASKED = re.compile(r"(?<![0-9X*])[0-9X*]{18}(?![0-9X*])")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGES = "/resident_info"


def age_on(born, today):
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def dates_of_age(age, today):
    """Every birth date that makes someone ``age`` today."""
    first = today - timedelta(days=(age + 2) * 366)
    days = (first + timedelta(days=n) for n in range(3 * 366))
    return [day for day in days if age_on(day, today) == age]


def candidates(region, dates, known, gender):
    """How many IDs with this region code, a birth date in ``dates``, the characters
    ``known`` ({position: character}) and the gender's parity exist."""

    def weighted(digits, start):
        return sum(int(digit) * ID_WEIGHTS[start + i] for i, digit in enumerate(digits))

    def fits(text, start):
        return all(known.get(start + i, char) == char for i, char in enumerate(text))

    parity = 1 if gender == "male" else 0
    date_sums = Counter(
        (weighted(region, 0) + weighted(f"{day:%Y%m%d}", 6)) % 11 for day in dates if fits(f"{day:%Y%m%d}", 6)
    )
    sequences = [f"{n:03d}" for n in range(1000) if n % 2 == parity and fits(f"{n:03d}", 14)]
    sequence_sums = Counter(weighted(sequence, 14) % 11 for sequence in sequences)
    if 17 not in known:
        return sum(date_sums.values()) * len(sequences)
    return sum(
        a_count * b_count
        for a, a_count in date_sums.items()
        for b, b_count in sequence_sums.items()
        if ID_CHECK_CHARACTERS[(a + b) % 11] == known[17]
    )


def test_the_counter_finds_that_the_old_mask_beside_the_age_left_about_33_ids():
    """The counter can fail: first 3 and last 4 shown beside the age (the mask before this
    one) leave a few dozen IDs; beside the exact birth date, one."""
    today, id_number = date(2026, 12, 3), make_id("19750505", "321", "330127")
    old_mask = {position: id_number[position] for position in (0, 1, 2, 14, 15, 16, 17)}
    assert candidates("330127", dates_of_age(51, today), old_mask, "male") < 50
    assert candidates("330127", [date(1975, 5, 5)], old_mask, "male") == 1
    last_two = {16: id_number[16], 17: id_number[17]}
    assert candidates("330127", dates_of_age(51, today), last_two, "male") > 3_000


def people(today):
    """Birthdays on both sides of today and at the ends of the year, a 29 February, a child."""
    days = [
        (1950, today + timedelta(days=1)),
        (1951, today),
        (1952, today - timedelta(days=1)),
        (1948, date(1948, 2, 29)),
        (1975, date(1975, 12, 31)),
        (1990, date(1990, 1, 1)),
        (2015, date(2015, 6, 15)),
    ]
    names = ["赵一", "钱二", "孙三", "李四", "周五", "吴六", "郑七"]
    found = []
    for index, (year, day) in enumerate(days):
        born = day.replace(year=year) if (day.month, day.day) != (2, 29) else day
        found.append((names[index], make_id(f"{born:%Y%m%d}", f"{100 + 17 * index:03d}", "330127")))
    return found


@pytest.fixture
def register_of(app, client, login_as, enabled):
    """Seven residents of one grid, registered by the community admin; one had its ID
    corrected (so its history holds two IDs and two birth dates); returns {ID: name}."""
    login_as("community_admin", "c1/s1/m1")
    made = {}
    for name, id_number in people(date.today()):
        created = register(client, name=name, id_number=id_number, phone=None, tags=[{"tag": "独居老人"}])
        made[id_number] = (name, created)
    corrected = make_id("19620504", "998", "330127")
    first_id, (first_name, first) = next(iter(made.items()))
    answer = client.patch(f"{RESIDENTS}/{first['id']}", json={"version": 1, "id_number": corrected})
    assert answer.status_code == 200, answer.get_json()
    made[corrected] = made.pop(first_id)
    client.logout()
    return made


def everything_a_grid_worker_sees(client, made):
    urls = [f"{RESIDENTS}?limit=200&sort={sort}" for sort in ("name", "-name", "age", "-age", "id", "-updated_at")]
    ages = {age_on(_born(id_number), date.today()) for id_number in made}
    urls += [f"{RESIDENTS}?min_age={age}&max_age={age}" for age in ages]
    urls += [f"{RESIDENTS}?tag=独居老人", f"{PAGES}/?sort=age", f"{PAGES}/?sort=-age", f"{PAGES}/", "/"]
    for _name, created in made.values():
        urls += [f"{RESIDENTS}/{created['id']}", f"{RESIDENTS}/{created['id']}/history"]
        urls += [f"{PAGES}/residents/{created['id']}", f"{PAGES}/residents/{created['id']}/edit"]
    answers = [client.get(url) for url in urls]
    assert all(answer.status_code == 200 for answer in answers), [a.status_code for a in answers]
    return answers


def _born(id_number):
    return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def text_of(answer):
    if answer.mimetype != XLSX_TYPE:
        return answer.get_data(as_text=True)
    sheet = load_workbook(io.BytesIO(answer.data), read_only=True).active
    return "\n".join(" ".join(str(value) for value in row if value is not None) for row in sheet.values)


def assert_at_least_1000_candidates(texts, made, ages):
    text = "\n".join(texts)
    for id_number, (name, created) in made.items():
        born = _born(id_number)
        assert id_number not in text, name
        written = (f"{born:%Y-%m-%d}", f"{born:%Y%m%d}", f"{born.year}年{born.month}月{born.day}日", f"{born:%Y/%m/%d}")
        dates = [born] if any(form in text for form in written) else dates_of_age(ages[created["id"]], date.today())
        known = {}
        for shown in MASKED.findall(text):
            if "*" in shown and all(char in ("*", id_number[i]) for i, char in enumerate(shown)):
                known.update({i: char for i, char in enumerate(shown) if char != "*"})
        count = candidates(id_number[:6], dates, known, created["gender"])
        assert count >= MINIMUM, f"{name}: {count} possible IDs"


def test_nothing_a_grid_worker_can_read_narrows_an_id_below_1000_candidates(app, client, make_user, register_of):
    client.login(make_user("grid_feedback_worker", "c1/s1/m1").username)
    answers = everything_a_grid_worker_sees(client, register_of)
    ages = {item["id"]: item["age"] for item in answers[0].get_json()["items"]}
    assert len(ages) == len(register_of)
    assert_at_least_1000_candidates([text_of(answer) for answer in answers], register_of, ages)


def test_nor_does_a_masked_export(app, client, make_user, register_of):
    exporter = make_user(package_with(app, "masked_exporters", "read", "export"), "c1/s1/m1")
    client.login(exporter.username)
    exports = [client.get(f"{RESIDENTS}/export"), client.get(f"{RESIDENTS}/export?format=xlsx&sort=-age")]
    assert [answer.status_code for answer in exports] == [200, 200]
    ages = {item["id"]: item["age"] for item in client.get(f"{RESIDENTS}?limit=200").get_json()["items"]}
    assert_at_least_1000_candidates([text_of(answer) for answer in exports], register_of, ages)


def test_a_list_sorted_by_age_orders_one_age_by_name_not_by_birthday(app, client, login_as, enabled):
    """Birthdays of one age, in the opposite order of their names: sorting by age must not
    tell them apart (the exact birth date is what the mask hides)."""
    login_as("community_admin", "c1/s1/m1")
    today = date.today()
    born = [today - timedelta(days=n) for n in (40 * 365 + 20, 40 * 365 + 200)]  # both 39 or 40, older second
    assert age_on(born[0], today) == age_on(born[1], today)
    for name, day in zip(("甲", "乙"), born):
        register(client, name=name, id_number=make_id(f"{day:%Y%m%d}", "111", "330127"), phone=None)
    for sort in ("age", "-age"):  # 乙 (U+4E59) sorts before 甲 (U+7532), the younger
        names = [item["name"] for item in client.get(f"{RESIDENTS}?sort={sort}").get_json()["items"]]
        assert names == ["乙", "甲"], sort


def test_probing_a_birth_date_by_editing_answers_the_same_whatever_the_date(client, make_user, register_of):
    client.login(make_user("grid_feedback_worker", "c1/s1/m1").username)
    id_number, (_name, created) = next(iter(register_of.items()))
    version = client.get(f"{RESIDENTS}/{created['id']}").get_json()["version"]
    right, wrong = _born(id_number), _born(id_number) + timedelta(days=1)
    answers = [
        client.patch(f"{RESIDENTS}/{created['id']}", json={"version": version, "birth_date": f"{day:%Y-%m-%d}"})
        for day in (right, wrong)
    ]
    assert [answer.status_code for answer in answers] == [422, 422]
    assert answers[0].get_json() == answers[1].get_json()
    assert answers[0].get_json()["pointer"] == "/birth_date" and "身份证号" in answers[0].get_json()["detail"]


def test_finding_by_the_last_four_needs_read_sensitive_and_the_refusal_is_audited(app, client, make_user, register_of):
    worker = make_user("grid_feedback_worker", "c1/s1/m1")
    client.login(worker.username)
    id_number = next(iter(register_of))
    answer = client.get(f"{RESIDENTS}?id_last4={id_number[-4:]}")
    assert answer.status_code == 403 and answer.get_json()["pointer"] == "/id_last4"
    assert id_number[-4:] not in answer.get_data(as_text=True)
    assert any(actor == worker.username for actor, _target, _detail in audit_of(app, "core.permission_denied"))
    assert "身份证号后四位" not in client.get(f"{PAGES}/").get_data(as_text=True)


def test_an_admin_with_read_sensitive_in_part_of_their_reach_finds_by_the_last_four_only_there(
    app, client, make_user, register_of
):
    from core.db import session_scope
    from core.permissions.store import grant_package

    reader = make_user("grid_feedback_worker", "c1/s1")
    with app.app_context(), session_scope(app) as db:
        grant_package(db, reader.id, package_with(app, "id_readers", "read_sensitive"), "c1/s1/m12")
    client.login(reader.username)
    id_number = next(iter(register_of))  # lives in c1/s1/m1, outside the read_sensitive grant
    assert client.get(f"{RESIDENTS}?id_last4={id_number[-4:]}").get_json()["total"] == 0
    assert client.get(f"{RESIDENTS}?name={register_of[id_number][0]}").get_json()["total"] == 1


def test_a_guessed_id_cannot_be_checked_by_a_registration_that_is_refused_anyway(client, make_user, register_of):
    """Health tags a grid worker may not set are refused (403) before the ID is looked up:
    409 would otherwise answer "registered" for free, storing nothing either way."""
    client.login(make_user("grid_feedback_worker", "c1/s1/m1").username)
    registered = next(iter(register_of))
    for guess in (registered, make_id("19500101", "555", "330127")):
        body = {"name": "试探", "id_number": guess, "org_path": "c1/s1/m1/g1", "tags": [{"tag": "残疾", "level": 1}]}
        assert client.post(RESIDENTS, json=body).status_code == 403


def test_near_duplicates_and_merging_need_the_full_view(app, client, login_as, make_user, register_of):
    """Both compare exact birth dates: shown to a grid worker, a decoy record whose birth date
    they change at will would tell a neighbour's."""
    worker = make_user("grid_feedback_worker", "c1/s1/m1")
    client.login(worker.username)
    id_number, (name, target) = next(iter(register_of.items()))
    decoy_body = {"name": name, "gender": target["gender"], "birth_date": "2000-01-01", "org_path": "c1/s1/m1/g1"}
    decoy = client.post(RESIDENTS, json={**decoy_body, "building": target["building"], "phone": None})
    assert decoy.status_code == 201 and decoy.get_json()["possible_duplicates"] == []
    born = f"{id_number[6:10]}-{id_number[10:12]}-{id_number[12:14]}"
    moved = client.patch(f"{RESIDENTS}/{decoy.get_json()['id']}", json={"version": 1, "birth_date": born})
    assert moved.status_code == 200
    page = client.get(f"{PAGES}/residents/{decoy.get_json()['id']}").get_data(as_text=True)
    assert f"/resident_info/residents/{target['id']}" not in page  # no near-duplicate link
    merge = {"keep_id": target["id"], "keep_version": 1, "merge_id": decoy.get_json()["id"], "merge_version": 2}
    assert client.post(f"{RESIDENTS}/merge", json=merge).status_code == 403


def test_an_importer_without_the_full_view_is_not_told_who_is_registered(app, client, make_user, register_of):
    importer = make_user(package_with(app, "importers", "read", "import"), "c1/s1/m1")
    client.login(importer.username)
    id_number, (name, _created) = next(iter(register_of.items()))
    job = run(client, csv_file([person_row(1, 姓名=name, 身份证号=id_number), person_row(2)]))
    kinds = {problem["line"]: problem["kind"] for problem in job["problems"]}
    assert kinds == {2: "held"} and job["already_registered"] == 0
