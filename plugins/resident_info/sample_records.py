"""resident_info's sample records for the cross-tenant matrix (``gridwork_sample_records``):
one of each record a route names — a household, a resident in it (with a history entry and a
photo among its 证明材料, named after the marker)
and a finished import job with a report line and a row held for a county check — all at one
org node and carrying its
marker. Only the test suite calls this; it writes through the models, not the API."""

import io
from datetime import date

from PIL import Image
from werkzeug.datastructures import FileStorage

from core.public import attach_file, utcnow
from plugins.resident_info.models import Household, ImportJob, ImportProblem, Resident, ResidentChange
from plugins.resident_info.permissions import PLUGIN, READ_SENSITIVE
from plugins.resident_info.register.documents import RECORD_TYPE


def create_sample_records(session, org_path, marker):
    county = org_path.split("/", 1)[0]
    household = Household(county_path=county, org_path=org_path, building=marker[:20], address=marker)
    session.add(household)
    session.flush()
    resident = Resident(
        county_path=county,
        org_path=org_path,
        name=marker[:50],
        gender="female",
        birth_date=date(1950, 1, 1),
        household_id=household.id,
        relation_to_head="head",
        notes=marker,
    )
    session.add(resident)
    session.flush()
    household.head_resident_id = resident.id
    session.add(
        ResidentChange(
            resident_id=resident.id, actor=marker, action="registered", changes={"name": {"old": None, "new": marker}}
        )
    )
    job = ImportJob(
        org_path=org_path,
        created_by=marker,
        filename=f"{marker}.csv",
        mode="valid_rows",
        status="done",
        phase="writing",
        total_rows=2,
        processed_rows=2,
        imported=1,
        bad_rows=1,
        message=marker,
        finished_at=utcnow(),
    )
    session.add(job)
    session.flush()
    session.add(ImportProblem(job_id=job.id, line=3, column=marker[:100], field="name", reason=marker))
    held = ImportProblem(
        job_id=job.id, line=4, field="id_number", reason=marker, kind="held", other_resident_id=resident.id
    )
    session.add(held)
    session.flush()
    _sample_document(session, resident, marker)
    return {"resident_id": resident.id, "household_id": household.id, "job_id": job.id, "problem_id": held.id}


def _sample_document(session, resident, marker):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "navy").save(buffer, "JPEG")
    attach_file(
        session,
        plugin=PLUGIN,
        record_type=RECORD_TYPE,
        record_id=resident.id,
        org_path=resident.org_path,
        upload=FileStorage(io.BytesIO(buffer.getvalue()), filename=f"{marker}.jpg"),
        actor=marker,
        permission=READ_SENSITIVE,
    )
