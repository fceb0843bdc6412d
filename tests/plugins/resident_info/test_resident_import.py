"""Importing residents from CSV and Excel: the report, both modes, idempotent re-import."""
import pytest

from conftest import audit_of, events_of, rows
from import_helpers import IMPORTS, csv_file, person_row, run, start, xlsx_file


@pytest.fixture
def admin(client, enabled, login_as):
    login_as("community_admin", "c1/s1/m1")
    return client


def test_a_clean_csv_is_imported_into_the_grid_it_names(admin, app):
    job = run(admin, csv_file([person_row(n) for n in range(1, 6)]))
    assert (job["status"], job["imported"], job["bad_rows"]) == ("done", 5, 0)
    assert rows(app, "SELECT count(*) FROM resident_info_resident WHERE org_path = 'c1/s1/m1/g1'")[0][0] == 5
    assert len(events_of(app, "resident_registered")) == 5
    assert audit_of(app, "resident_info.residents_imported")[0][2]["imported"] == 5
