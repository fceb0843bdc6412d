"""Checking import rows, a chunk at a time: the row's own rules (``RowReader`` →
``validate_resident``), then what only the file and the database can answer — the same
person twice in the file, the person already in the register (skipped, not an error),
a grid outside the importer's reach, health tags the importer may not set."""

from sqlmodel import select

from core.public import DataScope, node_choices, org_nodes_in, system_query
from plugins.resident_info.importing.rows import RowReader
from plugins.resident_info.models import Resident
from plugins.resident_info.register import fields
from plugins.resident_info.register.validation import county_of

ALREADY = "已登记，跳过（不重复导入）。"
# Said of a row whose ID is registered outside the importer's reach: it must not tell a
# community admin who lives in other streets, so it names only what happens next.
HELD = "此行暂未导入，已转县级管理员核对；核对后会通知您。"
ALREADY_NO_ID = "已有同姓名、同出生日期、同住址的居民，跳过（不重复导入）。"
NO_HEALTH = "设置健康或残疾类标签需要“查看健康与残疾信息”权限。"
OUT_OF_REACH = "该网格不在您的管理范围内（或本模块在该处未启用）。"
ACROSS_COUNTY = "one person, one record per county: the check spans every community of it"


class RowChecker:
    def __init__(self, db, access, job, headers, today=None):
        self.db, self.access, self.today = db, access, today
        self.county = county_of(job.org_path)
        nodes = org_nodes_in(db, DataScope((job.org_path,)))
        self.paths = {node.path for node in nodes}
        grids = {}
        for node in nodes:
            if node.kind == "grid":
                grids.setdefault(node.name, []).append(node.path)
        # An exported file names each node by its chain (东湖街道 › 幸福社区 › 第1网格): one node each.
        for choice in node_choices(db, DataScope((job.org_path,))):
            if choice.path not in grids.setdefault(choice.label, []):
                grids[choice.label].append(choice.path)
        extra_schema, county_tags = fields.county_settings(db, self.county)
        self.reader = RowReader(headers, job.mapping, job.org_path, grids, extra_schema, county_tags)
        self.first_line_of = {}  # identity key → the file line that had it first
        self.bad_rows = self.already_registered = self.held = 0
        self._problems = []

    def take_problems(self):
        problems, self._problems = self._problems, []
        return problems

    def check(self, chunk):
        """The good rows of ``chunk`` as ``[(line, clean record)]``; problems are kept for
        ``take_problems``."""
        candidates = []
        for line, cells in chunk:
            clean, problems = self.reader.read(line, cells, self.today)
            problems = problems or self._place_problems(line, clean) or self._repeat_problems(line, clean)
            if problems:
                self.bad_rows += 1
                name = self.reader.name_of(cells)
                self._problems.extend({**problem, "name": name} for problem in problems)
            else:
                candidates.append((line, clean))
        return self._without_registered(candidates)

    def _place_problems(self, line, clean):
        if clean["org_path"] not in self.paths or not self.access.write.covers(clean["org_path"]):
            return [self.reader.problem(line, "org_path", OUT_OF_REACH)]
        if any(tag.get("sensitive") for tag in clean["tags"]) and not self.access.health.covers(clean["org_path"]):
            return [self.reader.problem(line, "tags", NO_HEALTH)]
        return []

    def _repeat_problems(self, line, clean):
        key = identity(clean)
        first = self.first_line_of.setdefault(key, line)
        if first == line:
            return []
        what = "身份证号" if clean.get("id_number") else "姓名、出生日期和住址"
        field = "id_number" if clean.get("id_number") else "name"
        return [self.reader.problem(line, field, f"与第 {first} 行的{what}相同，同一人只能导入一次。")]

    def _without_registered(self, candidates):
        """Rows whose person is in the register already are skipped and reported as such
        when the importer can read that record; otherwise held for a county check."""
        by_id, without_id = self._registered_ids(candidates), self._registered_without_id(candidates)
        good = []
        for line, clean in candidates:
            found = by_id.get(clean.get("id_number"))
            if found is not None and not self._may_be_told(found[1]):
                self.held += 1
                problem = self.reader.problem(line, "id_number", HELD)
                self._problems.append(
                    {**problem, "kind": "held", "other_resident_id": found[0], "name": clean.get("name", "")}
                )
            elif found is not None or identity(clean) in without_id:
                self.already_registered += 1
                reason = ALREADY if clean.get("id_number") else ALREADY_NO_ID
                field = "id_number" if clean.get("id_number") else "name"
                skipped = {**self.reader.problem(line, field, reason), "kind": "skipped", "name": clean.get("name", "")}
                self._problems.append(skipped)
            else:
                good.append((line, clean))
        return good

    def _may_be_told(self, org_path):
        """ "Already registered" is said only to an importer who could look the person up in
        full: otherwise a file of guessed IDs would be a bulk existence check."""
        return self.access.read.covers(org_path) and self.access.sensitive.covers(org_path)

    def _registered_ids(self, candidates):
        """``{ID number: (resident id, org path)}`` of the rows' IDs already in the county."""
        numbers = [clean["id_number"] for _line, clean in candidates if clean.get("id_number")]
        if not numbers:
            return {}
        statement = select(Resident.id_number, Resident.id, Resident.org_path).where(
            Resident.county_path == self.county, Resident.id_number.in_(numbers)
        )
        found = self.db.exec(system_query(statement, ACROSS_COUNTY)).all()
        return {number: (resident_id, org_path) for number, resident_id, org_path in found}

    def _registered_without_id(self, candidates):
        keys = [identity(clean)[1:] for _line, clean in candidates if not clean.get("id_number")]
        if not keys:
            return set()
        columns = (
            Resident.name,
            Resident.birth_date,
            Resident.org_path,
            Resident.building,
            Resident.unit,
            Resident.room,
        )
        statement = select(*columns).where(
            Resident.county_path == self.county,
            Resident.id_number.is_(None),
            Resident.merged_into_id.is_(None),
            Resident.name.in_({key[0] for key in keys}),
        )
        found = self.db.exec(system_query(statement, ACROSS_COUNTY)).all()
        return {("person", *row) for row in found} & {("person", *key) for key in keys}


def identity(clean):
    """Who a row is: the ID number, or without one the name, birth date, grid and address."""
    if clean.get("id_number"):
        return ("id", clean["id_number"])
    return (
        "person",
        clean["name"],
        clean["birth_date"],
        clean["org_path"],
        clean.get("building"),
        clean.get("unit"),
        clean.get("room"),
    )
