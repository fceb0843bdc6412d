"""resident_info's tables (all listed in manifest.json; migration in ``migrations/``).

Residents and households carry ``org_path`` as their tenant column, so the core refuses
any read of them that is not limited to a data scope. ``county_path`` (the first segment
of the path) is what "one person, one record per county" is unique within.
"""

from datetime import date, datetime
from typing import Optional

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.public import utcnow

PREFIX = "resident_info_"

# Optimistic concurrency: SQLAlchemy adds "AND version = <loaded>" to every UPDATE of a
# resident and raises StaleDataError when someone else's edit got there first.
_RESIDENT_VERSION = Column("version", Integer, nullable=False)


class Resident(SQLModel, table=True):
    __tablename__ = PREFIX + "resident"
    __tenant_path_column__ = "org_path"
    __mapper_args__ = {"version_id_col": _RESIDENT_VERSION}
    __table_args__ = (
        UniqueConstraint("county_path", "id_number", name="uq_resident_info_resident_county_id_number"),
        Index("ix_resident_info_resident_near_duplicate", "county_path", "name", "birth_date", "building"),
        # Lists: the residents of a subtree, by name prefix (queries.filtered, subtree_range; migration 0003).
        Index(
            "ix_resident_info_resident_org_path_name",
            "org_path",
            "name",
            "merged_into_id",
            postgresql_ops={"org_path": "text_pattern_ops", "name": "text_pattern_ops"},
        ),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    county_path: str = Field(max_length=300)
    org_path: str = Field(max_length=300, index=True)
    name: str = Field(max_length=50)
    gender: str = Field(max_length=8)  # "male" | "female"
    birth_date: date
    id_number: Optional[str] = Field(default=None, max_length=18)  # normalised (trailing X upper-case)
    id_last4: Optional[str] = Field(default=None, max_length=4, index=True)
    phone: Optional[str] = Field(default=None, max_length=32)
    building: Optional[str] = Field(default=None, max_length=20)
    unit: Optional[str] = Field(default=None, max_length=20)
    room: Optional[str] = Field(default=None, max_length=20)
    household_id: Optional[int] = Field(
        default=None, sa_column=Column(Integer, ForeignKey(PREFIX + "household.id"), nullable=True, index=True)
    )
    relation_to_head: Optional[str] = Field(default=None, max_length=16)
    registration: str = Field(default="registered", max_length=16)  # "registered" | "floating"
    status: str = Field(default="living", max_length=16)  # "living" | "moved_out" | "deceased"
    status_date: Optional[date] = None
    tags: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    notes: str = Field(default="", max_length=1000)
    extra: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    merged_into_id: Optional[int] = Field(default=None, index=True)
    version: int = Field(default=1, sa_column=_RESIDENT_VERSION)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow, index=True)


class ResidentTag(SQLModel, table=True):
    """One row per tag of a resident: the index behind "filter by tag" (the resident's
    ``tags`` JSON stays the copy that is shown)."""

    __tablename__ = PREFIX + "resident_tag"
    __table_args__ = (Index("ix_resident_info_resident_tag_tag", "tag", "resident_id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    resident_id: int = Field(sa_column=Column(Integer, ForeignKey(PREFIX + "resident.id"), nullable=False, index=True))
    tag: str = Field(max_length=50)
    level: Optional[int] = None
    sensitive: bool = False


class Household(SQLModel, table=True):
    __tablename__ = PREFIX + "household"
    __tenant_path_column__ = "org_path"

    id: Optional[int] = Field(default=None, primary_key=True)
    county_path: str = Field(max_length=300)
    org_path: str = Field(max_length=300, index=True)
    head_resident_id: Optional[int] = None
    building: Optional[str] = Field(default=None, max_length=20)
    unit: Optional[str] = Field(default=None, max_length=20)
    room: Optional[str] = Field(default=None, max_length=20)
    address: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class ResidentChange(SQLModel, table=True):
    """One change to a resident: who, when, and ``{field: {"old": …, "new": …}}`` with ID
    numbers and phones already masked (the history never holds a full value). Read only
    after the resident itself was found inside the reader's scope."""

    __tablename__ = PREFIX + "history"

    id: Optional[int] = Field(default=None, primary_key=True)
    resident_id: int = Field(index=True)
    at: datetime = Field(default_factory=utcnow)
    actor: str = Field(default="", max_length=100)
    action: str = Field(max_length=32)  # registered | updated | merged | merged_into
    changes: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class CountyFields(SQLModel, table=True):
    """A county's extension of the register: extra fields (a JSON Schema validated like the
    rest of the record) and the county's own tags (each may be marked sensitive)."""

    __tablename__ = PREFIX + "county_fields"

    county_path: str = Field(primary_key=True, max_length=300)
    extra_schema: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    tags: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by: str = Field(default="", max_length=100)


class ImportJob(SQLModel, table=True):
    """One import of a CSV or .xlsx file into the subtree at ``org_path``: its settings,
    progress and counts. The file is kept (``ImportFile``) only until the job finishes, so
    that another process can resume it; the problems found are rows of ``ImportProblem``
    (the downloadable report)."""

    __tablename__ = PREFIX + "import_job"
    __tenant_path_column__ = "org_path"

    id: Optional[int] = Field(default=None, primary_key=True)
    org_path: str = Field(max_length=300, index=True)
    created_by: str = Field(max_length=100)
    filename: str = Field(default="", max_length=200)
    file_sha256: str = Field(default="", max_length=64)
    mode: str = Field(max_length=16)  # "all_or_nothing" | "valid_rows"
    mapping: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default="queued", max_length=16)  # queued | running | done | rejected | failed
    phase: str = Field(default="", max_length=16)  # reading | checking | writing
    total_rows: int = 0
    processed_rows: int = 0
    imported: int = 0
    already_registered: int = 0
    held_rows: int = Field(default=0, sa_column_kwargs={"server_default": "0"})  # for a county check
    bad_rows: int = 0
    message: str = Field(default="", max_length=500)
    created_at: datetime = Field(default_factory=utcnow)
    heartbeat_at: datetime = Field(default_factory=utcnow)
    finished_at: Optional[datetime] = None


class ImportFile(SQLModel, table=True):
    """The uploaded bytes of an unfinished import (≤ 16 MB), deleted when it finishes: what a
    scheduler in another process needs to resume the job when the web process running it
    died (``importing/resume.py``)."""

    __tablename__ = PREFIX + "import_file"

    job_id: int = Field(sa_column=Column(Integer, ForeignKey(PREFIX + "import_job.id"), primary_key=True))
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class ImportProblem(SQLModel, table=True):
    """One line of an import's report: the file's line number, the column header, the
    reason in Chinese. Never the cell's value (it may be an ID number)."""

    __tablename__ = PREFIX + "import_problem"

    id: Optional[int] = Field(default=None, primary_key=True)
    job_id: int = Field(sa_column=Column(Integer, ForeignKey(PREFIX + "import_job.id"), nullable=False, index=True))
    line: int
    column: str = Field(default="", max_length=100)
    field: str = Field(default="", max_length=50)
    reason: str = Field(max_length=300)
    # The name in the row, as the file had it (only if it looks like a name): the importer's
    # own data, so that the row can be found. Never an ID number or a phone.
    person_name: str = Field(default="", max_length=50, sa_column_kwargs={"server_default": ""})
    kind: str = Field(default="error", max_length=16, index=True)  # "error" | "skipped" | "held"
    # A held row (its ID is registered outside the importer's reach): the record it matches,
    # for whoever reads both places, and who resolved it.
    other_resident_id: Optional[int] = None
    resolved_by: Optional[str] = Field(default=None, max_length=100)
    resolved_at: Optional[datetime] = None
