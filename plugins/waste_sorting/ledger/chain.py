"""The points ledger's hash chain, one per community, with the audit trail's own link
formula (``core.public.chain_hash``). The head row is claimed with an UPDATE first, so two
awards in one community queue up instead of forking the chain. The org path is not hashed:
the core rewrites it when a community moves, and that must not look like tampering."""

from dataclasses import dataclass
from datetime import UTC
from typing import Optional

from sqlalchemy import text
from sqlmodel import select

from core.public import GENESIS_HASH, chain_hash, clock, system_query, utcnow
from plugins.waste_sorting.models import PointsEntry, PointsHead

_LOCK_HEAD = "UPDATE waste_sorting_points_head SET seq = seq WHERE org_path = :community"
HASHED = (
    "seq",
    "household_id",
    "surname",
    "house",
    "points",
    "action",
    "reason",
    "inspection_id",
    "reverses_seq",
    "actor",
)


def link_hash(entry):
    fields = {name: getattr(entry, name) for name in HASHED}
    fields["at"] = entry.at.astimezone(UTC).isoformat(timespec="microseconds")
    fields["local_day"] = entry.local_day.isoformat()
    return chain_hash(entry.prev_hash, fields)


def append(db, community, at=None, **values):
    """One entry at the end of ``community``'s chain (flushed, not committed); ``at`` only
    for seeded history (the demo), never earlier than the chain's last entry."""
    head = _claimed_head(db, community)
    now = at or utcnow()
    entry = PointsEntry(
        org_path=community,
        seq=head.seq + 1,
        at=now,
        local_day=clock.local(now).date(),
        prev_hash=head.hash,
        hash="",
        **values,
    )
    entry.hash = link_hash(entry)
    head.seq, head.hash = entry.seq, entry.hash
    db.add_all([entry, head])
    db.flush()
    return entry


def _claimed_head(db, community):
    # A write first, so SQLite takes its write lock (and PostgreSQL the row lock) before the
    # head is read: two appends can never both read the same tip.
    db.exec(text(_LOCK_HEAD), params={"community": community})
    statement = select(PointsHead).where(PointsHead.org_path == community).with_for_update()
    head = db.exec(system_query(statement, "the chain head is claimed by whoever appends")).first()
    if head is None:
        head = PointsHead(org_path=community, seq=0, hash=GENESIS_HASH)
        db.add(head)
        db.flush()
    return head


@dataclass(frozen=True)
class ChainCheck:
    community: str
    ok: bool
    checked: int
    first_bad_seq: Optional[int]
    reason: str


def verify_community(db, community):
    """Recompute ``community``'s chain in order and name the first broken entry."""
    entries = db.exec(
        system_query(
            select(PointsEntry).where(PointsEntry.org_path == community).order_by(PointsEntry.seq),
            "verification reads the whole chain",
        )
    ).all()
    head = db.exec(system_query(select(PointsHead).where(PointsHead.org_path == community), "chain head")).first()
    previous = GENESIS_HASH
    for expected_seq, entry in enumerate(entries, start=1):
        if entry.seq != expected_seq:
            return ChainCheck(community, False, expected_seq - 1, expected_seq, f"第 {expected_seq} 条流水缺失")
        if entry.prev_hash != previous or link_hash(entry) != entry.hash:
            return ChainCheck(community, False, expected_seq - 1, entry.seq, f"第 {entry.seq} 条流水被改动")
        previous = entry.hash
    if head is None and entries or head is not None and (head.seq != len(entries) or head.hash != previous):
        return ChainCheck(community, False, len(entries), len(entries) + 1, "链头与流水末尾不符（末尾流水可能被删除）")
    return ChainCheck(community, True, len(entries), None, f"积分流水完整：共 {len(entries)} 条")


def communities(db):
    heads = db.exec(system_query(select(PointsHead.org_path), "every chain is verified")).all()
    entries = db.exec(system_query(select(PointsEntry.org_path).distinct(), "every chain is verified")).all()
    return sorted(set(heads) | set(entries))
