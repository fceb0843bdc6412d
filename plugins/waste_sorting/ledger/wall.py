"""The points wall (积分墙): each household's total in a community, named as its county
chose — ``surname`` (王**家) or ``house`` (3栋2单元301) — never by a full name."""

from sqlalchemy import func
from sqlmodel import select

from core.public import DataScope, record_audit, scope_of_model
from plugins.waste_sorting.models import PointsEntry, WallSetting
from plugins.waste_sorting.permissions import PLUGIN
from plugins.waste_sorting.places import county_of

MASKS = {"surname": "只显示姓氏（王**家）", "house": "只显示门牌号（3栋2单元301）"}


def mask_of(db, county):
    statement = scope_of_model(
        select(WallSetting).where(WallSetting.org_path == county), DataScope((county,)), WallSetting
    )
    setting = db.exec(statement).first()
    return setting.mask if setting else "surname"


def save_mask(db, county, mask, actor):
    statement = scope_of_model(
        select(WallSetting).where(WallSetting.org_path == county), DataScope((county,)), WallSetting
    )
    setting = db.exec(statement).first() or WallSetting(org_path=county)
    setting.mask = mask
    db.add(setting)
    record_audit(
        db,
        f"{PLUGIN}.settings_saved",
        actor=actor.username,
        target=f"{PLUGIN}_wall_setting:{county}",
        org_path=county,
        detail={"mask": mask},
    )


def household_label(surname, house, mask):
    if mask == "house":
        return house or "（未登记门牌）"
    return f"{surname}**家" if surname else "某户"


def wall(db, scope, community, limit=20):
    """``[(label, points)]``, highest first, inside ``scope``."""
    mask = mask_of(db, county_of(community))
    statement = (
        select(
            PointsEntry.household_id,
            func.max(PointsEntry.surname),
            func.max(PointsEntry.house),
            func.sum(PointsEntry.points).label("total"),
        )
        .where(PointsEntry.org_path == community)
        .group_by(PointsEntry.household_id)
        .order_by(func.sum(PointsEntry.points).desc(), PointsEntry.household_id)
        .limit(limit)
    )
    rows = db.exec(scope_of_model(statement, scope, PointsEntry)).all()
    return [(household_label(surname, house, mask), total) for _id, surname, house, total in rows if total]
