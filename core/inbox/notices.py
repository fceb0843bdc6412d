"""Creating, listing and settling notices. ``notify`` writes inside the caller's
transaction (flushed, never committed), so a notice exists only if the business change does."""

from sqlalchemy import func
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import select

from core.inbox.models import CANCELLED, DONE, OPEN, SEVERITIES, Notice, NoticeRead
from core.inbox.recipients import visible, visible_notices
from core.timeutil import utcnow
from core.tree.paths import is_valid_path

TITLE_MAX = 200


def notify(
    session,
    *,
    plugin,
    title,
    org_path,
    link="",
    to_user=None,
    to_package=None,
    severity="info",
    due_at=None,
    object_type="",
    object_id="",
):
    """A notice about node ``org_path`` to one user (``to_user``: an id) or to whoever holds
    role package ``to_package`` at ``org_path`` when the inbox is read. Raises ValueError for
    a call that cannot be right (a programming error, not a user's)."""
    _check(title, org_path, to_user, to_package, severity)
    notice = Notice(
        plugin=plugin,
        title=title[:TITLE_MAX],
        link=link,
        severity=severity,
        org_path=org_path,
        to_user_id=to_user,
        to_package=to_package,
        due_at=due_at,
        object_type=object_type,
        object_id=str(object_id),
    )
    session.add(notice)
    session.flush()
    return notice


def _check(title, org_path, to_user, to_package, severity):
    if (to_user is None) == (to_package is None):
        raise ValueError("待办须指定 to_user 或 to_package 之一")
    if not title or not title.strip():
        raise ValueError("待办须有标题")
    if not is_valid_path(org_path):
        raise ValueError(f"待办的组织路径无效：{org_path!r}")
    if severity not in SEVERITIES:
        raise ValueError(f"待办的紧急程度须是 {'、'.join(SEVERITIES)} 之一")


def close_notices(session, plugin, object_type, object_id, by=""):
    """Mark every open notice about the object done (the object was dealt with); returns how many."""
    statement = (
        Notice.__table__.update()
        .where(
            Notice.plugin == plugin,
            Notice.object_type == object_type,
            Notice.object_id == str(object_id),
            Notice.status == OPEN,
        )
        .values(status=DONE, closed_at=utcnow(), closed_by=by[:100])
    )
    return session.execute(statement).rowcount


def notices_for(session, actor, *, closed=False, limit=50, offset=0):
    """[(notice, read_at or None)] for ``actor``: open ones (or closed ones) — due first, then newest."""
    read_at = (
        select(NoticeRead.read_at)
        .where(NoticeRead.notice_id == Notice.id, NoticeRead.user_id == actor.id)
        .scalar_subquery()
    )
    statuses = (DONE, CANCELLED) if closed else (OPEN,)
    statement = visible(select(Notice, read_at.label("read_at")), actor).where(Notice.status.in_(statuses))
    order = (Notice.closed_at.desc(),) if closed else (Notice.due_at.is_(None), Notice.due_at, Notice.id.desc())
    return session.exec(statement.order_by(*order, Notice.id.desc()).limit(limit).offset(offset)).all()


def count_for(session, actor, *, closed=False):
    statuses = (DONE, CANCELLED) if closed else (OPEN,)
    statement = visible(select(func.count()).select_from(Notice), actor).where(Notice.status.in_(statuses))
    return session.exec(statement).one()


def unread_count(session, actor):
    """Open notices ``actor`` has not opened yet: the number in the header."""
    unread = (
        ~select(NoticeRead.notice_id).where(NoticeRead.notice_id == Notice.id, NoticeRead.user_id == actor.id).exists()
    )
    statement = visible(select(func.count()).select_from(Notice), actor).where(Notice.status == OPEN, unread)
    return session.exec(statement).one()


def notice_for(session, actor, notice_id):
    """The notice if ``actor`` may read it, else None (the caller answers 404)."""
    return session.exec(visible_notices(actor).where(Notice.id == notice_id)).first()


def mark_read(session, actor, notice):
    """Record that ``actor`` read ``notice`` (the first time only)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(NoticeRead).values(notice_id=notice.id, user_id=actor.id, read_at=utcnow())
    session.execute(statement.on_conflict_do_nothing(index_elements=["notice_id", "user_id"]))


def mark_done(session, actor, notice):
    """Settle ``notice`` for everyone it was sent to; reading it is implied. False if already closed."""
    mark_read(session, actor, notice)
    if notice.status != OPEN:
        return False
    notice.status, notice.closed_at, notice.closed_by = DONE, utcnow(), actor.username[:100]
    session.add(notice)
    session.flush()
    return True
