"""After an all-or-nothing import was refused for its errors, one button imports the valid
rows of the same upload: the refused job's file is kept for ``KEPT_FOR`` (it holds ID
numbers, so not longer), and a daily job forgets the files nobody came back for."""

from datetime import timedelta

from sqlmodel import delete, select

from core.public import ApiError, Every, ScheduledJob, scoped
from plugins.resident_info.importing import services as imports
from plugins.resident_info.models import ImportFile, ImportJob
from plugins.resident_info.permissions import PLUGIN

KEPT_FOR = timedelta(hours=24)
NOT_REFUSED = "只有因存在错误而整体未导入的导入，才能改为只导入无误的行。"
FILE_GONE = "原文件已不再保留（整体未导入后只保留 24 小时），请重新上传文件。"


def may_retry(db, job):
    """True when the refused job's file is still here: the page offers the button."""
    return job.status == "rejected" and job.mode == "all_or_nothing" and db.get(ImportFile, job.id) is not None


def import_valid_rows(db, access, job):
    """A new ``valid_rows`` job over the refused job's file, mapping and target; the refused
    job lets go of its copy. Returns (new job, file bytes) for the caller to start."""
    if job.status != "rejected" or job.mode != "all_or_nothing":
        raise ApiError(409, NOT_REFUSED)
    stored = db.get(ImportFile, job.id)
    if stored is None:
        raise ApiError(410, FILE_GONE)
    content = stored.content
    retry = imports.create_job(
        db,
        access,
        org_path=job.org_path,
        mode="valid_rows",
        mapping=job.mapping,
        filename=job.filename,
        content=content,
    )
    db.delete(stored)
    return retry, content


def forget_refused_files(context):
    """Drop the kept files of refused imports older than ``KEPT_FOR``."""
    old = select(ImportJob.id).where(ImportJob.status == "rejected", ImportJob.finished_at < context.now - KEPT_FOR)
    ids = context.session.exec(scoped(old, context.scope, ImportJob.org_path)).all()
    if ids:
        context.session.exec(delete(ImportFile).where(ImportFile.job_id.in_(ids)))


FORGET_JOB = ScheduledJob(
    f"{PLUGIN}.forget_refused_files", "删除整体未导入的上传文件（保留 24 小时）", Every(60), forget_refused_files
)
