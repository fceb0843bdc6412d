"""Figures for the statistics page (居民统计): residents living here (not moved out, not
deceased, not merged) inside the reader's data scope, per grid, per tag and per age band.
Health tags count only where the reader may see them (READ_HEALTH)."""

from sqlalchemy import func
from sqlmodel import select

from core.public import org_node_at, org_nodes_in, scope_of_model, today
from plugins.resident_info.models import Resident, ResidentTag
from plugins.resident_info.register.queries import unmerged, years_before

# (label, youngest age, oldest age or None): bands that the visits and care work plan by.
AGE_BANDS = (
    ("0–17 岁", 0, 17),
    ("18–59 岁", 18, 59),
    ("60–69 岁", 60, 69),
    ("70–79 岁", 70, 79),
    ("80 岁及以上", 80, None),
)


def _living(statement, scope):
    statement = statement.where(Resident.status == "living", unmerged())
    return scope_of_model(statement, scope, Resident)


def per_grid(db, access):
    """[(place name, count)] per org node residents are registered at, by name, largest first."""
    statement = _living(select(Resident.org_path, func.count()).group_by(Resident.org_path), access.read)
    counts = db.exec(statement).all()
    names = {node.path: node.name for node in org_nodes_in(db, access.read)}
    for parent in {path.rpartition("/")[0] for path, _n in counts} - set(names):  # above the reader's reach
        node = org_node_at(db, parent)
        if node is not None:
            names[parent] = node.name
    labelled = [(_place(path, names), n) for path, n in counts]
    return sorted(labelled, key=lambda pair: (-pair[1], pair[0]))


def _place(path, names):
    """ "幸福社区 › 幸福一网格": the node and its parent, enough to tell grids apart."""
    parent = path.rpartition("/")[0]
    own = names.get(path, "未知网格")
    return f"{names[parent]} › {own}" if parent in names else own


def per_tag(db, access):
    """[(tag, count)] largest first; a health tag only counted inside ``access.health``."""
    base = select(ResidentTag.tag, func.count()).join(Resident, Resident.id == ResidentTag.resident_id)
    plain = _living(base.where(ResidentTag.sensitive.is_(False)).group_by(ResidentTag.tag), access.read)
    counts = dict(db.exec(plain).all())
    if access.health:
        sensitive = base.where(ResidentTag.sensitive.is_(True)).group_by(ResidentTag.tag)
        for tag, n in db.exec(_living(scope_of_model(sensitive, access.read, Resident), access.health)).all():
            counts[tag] = counts.get(tag, 0) + n
    return sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))


def per_age_band(db, access, on=None):
    """[(band, count)] in AGE_BANDS order, ages on ``on`` (default: today in the deployment's zone)."""
    day = on or today()
    found = []
    for label, youngest, oldest in AGE_BANDS:
        statement = _living(select(func.count()).select_from(Resident), access.read)
        statement = statement.where(Resident.birth_date <= years_before(day, youngest))
        if oldest is not None:
            statement = statement.where(Resident.birth_date > years_before(day, oldest + 1))
        found.append((label, db.exec(statement).one()))
    return found
