"""An import whose web process died (a gunicorn worker recycled mid-import; issue 9 §4) is
resumed by the scheduler in whichever process runs one: from the stored file, as the person
who started it, without doubling a row; the file is deleted once the import has finished."""

import pytest
from import_helpers import IMPORTS, csv_file, person_row, run, wait

from core.auth.actor import Actor
from core.auth.models import User
from core.db import session_scope
from core.public import system_options
from core.testing import rows, run_due_jobs
from plugins.resident_info.importing import services as imports
from plugins.resident_info.importing.services import importer_access

FILE_ROWS = [person_row(n) for n in range(1, 6)]


@pytest.fixture
def admin(client, enabled, login_as):
    return login_as("community_admin", "c1/s1/m1")


def orphaned_job(app, user, content, mode="valid_rows", imported=0):
    """A committed job whose process died before it finished (no thread runs it)."""
    with app.app_context(), session_scope(app) as db:
        access = importer_access(Actor.from_user(user))
        job = imports.create_job(
            db, access, org_path="c1/s1/m1", mode=mode, mapping={}, filename="名单.csv", content=content
        )
        job.status, job.imported = "running", imported
        db.flush()
        return job.id


def files_kept(app):
    return rows(app, "SELECT count(*) FROM resident_info_import_file")[0][0]


def test_a_job_whose_process_died_is_resumed_once_and_its_file_deleted(app, client, admin, clock):
    job_id = orphaned_job(app, admin, csv_file(FILE_ROWS))
    clock.advance(minutes=9)
    assert run_due_jobs(app)["resident_info.resume_imports"] == "done"  # not yet taken for dead
    assert client.get(f"{IMPORTS}/{job_id}").get_json()["status"] == "running"
    clock.advance(minutes=11)
    run_due_jobs(app)
    job = wait(client, job_id)
    assert (job["status"], job["imported"], job["already_registered"]) == ("done", 5, 0), job
    assert files_kept(app) == 0
    assert rows(app, "SELECT count(*) FROM resident_info_resident")[0][0] == 5
    clock.advance(minutes=11)
    run_due_jobs(app)  # finished: nothing to resume
    assert rows(app, "SELECT count(*) FROM resident_info_resident")[0][0] == 5


def test_rows_written_before_the_crash_are_not_doubled_and_the_message_says_why_they_show_as_skipped(
    app, client, admin, clock
):
    run(client, csv_file(FILE_ROWS[:2]))  # what the dead process had written
    job_id = orphaned_job(app, admin, csv_file(FILE_ROWS), imported=2)
    clock.advance(minutes=11)
    run_due_jobs(app)
    job = wait(client, job_id)
    assert (job["imported"], job["already_registered"]) == (3, 2), job  # each row counted once
    assert "自动续导" in job["message"]
    assert rows(app, "SELECT count(*) FROM resident_info_resident")[0][0] == 5


def test_an_import_of_an_account_disabled_meanwhile_is_not_resumed(app, client, admin, clock):
    orphaned_job(app, admin, csv_file(FILE_ROWS))
    with app.app_context(), session_scope(app) as db:
        db.get(User, admin.id, execution_options=system_options("the test disables the importer")).is_active = False
    clock.advance(minutes=11)
    run_due_jobs(app)
    assert rows(app, "SELECT count(*) FROM resident_info_resident")[0][0] == 0
    assert files_kept(app) == 0  # given up at once, the file deleted, with advice to import again
    ((status, message),) = rows(app, "SELECT status, message FROM resident_info_import_job")
    assert status == "failed" and "重新导入" in message


def test_a_finished_import_keeps_no_file(client, admin, app):
    run(client, csv_file(FILE_ROWS[:1]))
    assert files_kept(app) == 0
