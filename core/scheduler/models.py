"""One row per (job, period): the unique index is what makes a period run once, whichever
process gets there first. A ``running`` row carries a lease (owner, until — wall-clock time,
as it measures whether a process is alive) that another process takes over once it lapses."""

from datetime import datetime
from typing import Optional

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

RUNNING, DONE, FAILED, DEAD, SKIPPED = "running", "done", "failed", "dead", "skipped"
STATUS_TITLES = {
    RUNNING: "运行中",
    DONE: "已完成",
    FAILED: "失败，将重试",
    DEAD: "多次失败，已放弃",
    SKIPPED: "未运行（模块未启用）",
}
ERROR_MAX_LENGTH = 2000


class JobRun(SQLModel, table=True):
    __tablename__ = "core_job_run"
    __table_args__ = (UniqueConstraint("job", "period", name="uq_core_job_run_job_period"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    job: str = Field(max_length=100, index=True)
    period: datetime  # the period's start (UTC)
    status: str = Field(max_length=16)
    owner: str = Field(default="", max_length=100)
    lease_until: Optional[datetime] = None  # wall clock
    attempts: int = 0
    started_at: datetime  # the business clock, as the job saw it
    finished_at: Optional[datetime] = None
    next_try_at: Optional[datetime] = None  # the business clock: when a failed run is retried
    error: Optional[str] = Field(default=None, sa_column=Column(Text, nullable=True))
