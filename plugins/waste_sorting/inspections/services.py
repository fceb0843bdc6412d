"""Recording an inspection (督导检查): the items of the point's checklist versions, each
passed unless the inspector flipped it; the score computed here; photos for failed items;
then the rectification rules (``rectify``). A ``client_key`` already stored means the phone
is resending a record that arrived: the first inspection is answered again, nothing added."""

from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from core.public import (
    ApiError,
    attach_file,
    attachment_url,
    attachments_of,
    clock,
    publish,
    record_audit,
    scope_of_model,
    utcnow,
)
from plugins.waste_sorting.checklists import services as checklists
from plugins.waste_sorting.inspections import rectify
from plugins.waste_sorting.inspections.scoring import judge
from plugins.waste_sorting.lookup import get_in_scope
from plugins.waste_sorting.models import Inspection, InspectionItem
from plugins.waste_sorting.permissions import PLUGIN, READ

ITEM_PHOTO = "inspection_item"  # attachments hang off the failed item they show


def existing_by_key(db, scope, client_key):
    if not client_key:
        return None
    statement = scope_of_model(select(Inspection).where(Inspection.client_key == client_key), scope, Inspection)
    return db.exec(statement).first()


def record_inspection(db, point, failed_keys, note, actor, *, client_key=None, photos=None):
    """Store one inspection of ``point`` and everything it sets off, in the caller's
    transaction. ``failed_keys``: the item keys flipped to fail; ``photos``: {key: upload}."""
    county, street = checklists.effective(db, point.org_path)
    items = checklists.items_of(county, street)
    unknown = set(failed_keys) - {item["key"] for item in items}
    if unknown:
        raise ApiError(422, "检查项：有不属于本投放点检查标准的项目，请刷新页面后重试。", pointer="/failed")
    verdict = judge(items, set(failed_keys), county.pass_mark)
    now = utcnow()
    day = clock.local(now).date()
    inspection = Inspection(
        org_path=point.org_path,
        point_id=point.id,
        checklist_id=county.id,
        street_checklist_id=street.id if street else None,
        score=verdict.score,
        passed=verdict.passed,
        critical_failed=verdict.critical_failed,
        note=(note or "").strip()[:500],
        inspector=actor.username,
        inspected_at=now,
        local_day=day,
        week_start=day - timedelta(days=day.weekday()),
        client_key=client_key,
    )
    db.add(inspection)
    db.flush()
    rows = [_item_row(inspection, item, failed_keys) for item in items]
    db.add_all(rows)
    db.flush()
    _attach_photos(db, inspection, rows, photos or {}, actor)
    _announce(db, inspection, point, actor)
    rectify.after_inspection(db, inspection, point, county, actor)
    return inspection


def stored_once(db, scope, client_key, write):
    """Run ``write()`` unless ``client_key`` was stored already; a concurrent duplicate that
    loses the race on the unique key is answered with the winner. Commits."""
    found = existing_by_key(db, scope, client_key)
    if found:
        return found
    try:
        inspection = write()
        db.commit()
        return inspection
    except IntegrityError:
        db.rollback()
        found = existing_by_key(db, scope, client_key)
        if found is None:
            raise
        return found


def find_inspection(db, scope, inspection_id):
    return get_in_scope(db, Inspection, inspection_id, scope)


def items_of(db, inspection):
    statement = select(InspectionItem).where(InspectionItem.inspection_id == inspection.id).order_by(InspectionItem.id)
    return db.exec(statement).all()


def recent(db, scope, *, point_id=None, limit=50):
    statement = scope_of_model(select(Inspection), scope, Inspection)
    if point_id:
        statement = statement.where(Inspection.point_id == point_id)
    return db.exec(statement.order_by(Inspection.inspected_at.desc()).limit(limit)).all()


def _item_row(inspection, item, failed_keys):
    return InspectionItem(
        inspection_id=inspection.id,
        item_key=item["key"],
        title=item["title"],
        weight=item["weight"],
        critical=item["critical"],
        passed=item["key"] not in failed_keys,
    )


def _attach_photos(db, inspection, rows, photos, actor):
    failed = {row.item_key: row for row in rows if not row.passed}
    for key, upload in photos.items():
        if key in failed and upload and upload.filename:
            attach_file(
                db,
                plugin=PLUGIN,
                record_type=ITEM_PHOTO,
                record_id=failed[key].id,
                org_path=inspection.org_path,
                upload=upload,
                actor=actor,
                permission=READ,
                documents=False,
            )


def _announce(db, inspection, point, actor):
    payload = {
        "inspection_id": inspection.id,
        "point_id": point.id,
        "score": inspection.score,
        "passed": inspection.passed,
    }
    record_audit(
        db,
        f"{PLUGIN}.inspection_recorded",
        actor=actor.username,
        target=f"{PLUGIN}_inspection:{inspection.id}",
        org_path=inspection.org_path,
        detail={"point_id": point.id, "score": inspection.score, "passed": inspection.passed},
    )
    publish(db, f"{PLUGIN}.inspection_recorded", payload, org_path=inspection.org_path, actor=actor.username)
    if not inspection.passed:
        publish(db, f"{PLUGIN}.inspection_failed", payload, org_path=inspection.org_path, actor=actor.username)


def inspected_today(db, scope):
    """The ids of points inspected today (the deployment's day) inside ``scope``."""
    statement = select(Inspection.point_id).where(Inspection.local_day == clock.local(utcnow()).date())
    return set(db.exec(scope_of_model(statement.distinct(), scope, Inspection)).all())


def items_with_photos(db, scope, inspection):
    """``[(item, [photo url])]``: the photos only where ``scope`` may see them."""
    return [
        (item, [attachment_url(a, "phone") for a in attachments_of(db, PLUGIN, ITEM_PHOTO, item.id, scope)])
        for item in items_of(db, inspection)
    ]
