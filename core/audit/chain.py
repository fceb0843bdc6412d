"""Appending to and verifying the hash-chained audit trail (全程留痕).

Each entry's hash covers the previous entry's hash and the entry's own fields, so
changing, deleting, inserting or reordering any entry breaks the chain from that point
on. The head row (``core_audit_head``) records the tip, so a truncated tail shows too.

Limit: whoever controls the database and knows this algorithm can rewrite the tail and
the head consistently; only a digest kept outside the database (an anchor) catches that.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC
from typing import Optional

from sqlalchemy import select, text, true

from core.audit.models import GENESIS_HASH, AuditEntry, AuditHead
from core.db import bulk_insert
from core.timeutil import utcnow

VERIFY_BATCH_SIZE = 1000

_CLAIM_SEQS = text("UPDATE core_audit_head SET seq = seq + :count WHERE id = 1 RETURNING seq, hash")
_MOVE_HEAD = text("UPDATE core_audit_head SET hash = :hash WHERE id = 1")


def _clip(text, limit):
    text = text or ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def canonical_json(value):
    """Sorted keys, no whitespace, UTF-8: the same value always gives the same bytes."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def chain_hash(prev_hash, fields):
    """One link of a hash chain: SHA-256 over the previous link's hash and the canonical JSON
    of this link's fields. The audit trail and plugins' own append-only ledgers
    (``core.public.chain_hash``) chain the same way, so one formula is reviewed once."""
    return hashlib.sha256(prev_hash.encode("ascii") + b"\x00" + canonical_json(fields)).hexdigest()


def entry_hash(prev_hash, *, seq, at, actor, action, target, org_path, detail, ip):
    """The one hash formula, shared by ``record`` and ``verify`` so they cannot drift apart."""
    fields = {
        "seq": seq,
        # A fixed format, so an entry read back from SQLite or PostgreSQL hashes the same.
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": actor,
        "action": action,
        "target": target,
        "org_path": org_path,
        "detail": detail,
        "ip": ip,
    }
    return chain_hash(prev_hash, fields)


def record_audit(session, action, *, actor="", target="", org_path="", detail=None, ip=""):
    """Append one entry inside the caller's transaction (flushed, never committed), so the
    entry commits or rolls back together with the act it records.

    Personal data must never reach the trail in clear: callers pass values already masked
    (``张*``, ``1101**********1234``) or hashed, in ``target`` and ``detail`` alike. The
    trail is append-only, so a clear value written here could never be removed.

    The head row is locked first, with an UPDATE, so concurrent appends queue up instead of
    forking the chain; the lock is held until the caller's transaction ends.
    """
    seq, prev_hash = _claim_seqs(session, 1)
    entry = AuditEntry(
        seq=seq,
        at=utcnow(),  # taken under the lock, so time never runs backwards along the chain
        # Clipped to the columns: a 400-character URL must not turn a denial into a 500
        # and lose the entry.
        actor=_clip(actor, 100),
        action=_clip(action, 100),
        target=_clip(target, 300),
        org_path=_clip(org_path, 300),
        detail=_as_stored(detail),
        ip=_clip(ip, 64),
        prev_hash=prev_hash,
        hash="",
    )
    entry.hash = _hash_of(entry)
    session.add(entry)
    session.flush()
    session.exec(_MOVE_HEAD, params={"hash": entry.hash})
    return entry


def record_audits(session, entries, *, actor=""):
    """Append many entries at once (dicts with ``action``, ``target``, ``org_path``,
    ``detail``): one head claim and one multi-row INSERT instead of two statements per
    entry, for system work that records thousands of acts in one transaction. Rows are
    plain dicts, not models: building 10,000 models cost more than the whole insert."""
    if not entries:
        return
    last_seq, prev_hash = _claim_seqs(session, len(entries))
    at, actor = utcnow(), _clip(actor, 100)
    rows = []
    for seq, values in enumerate(entries, start=last_seq - len(entries) + 1):
        row = {
            "seq": seq,
            "at": at,
            "actor": actor,
            "action": _clip(values["action"], 100),
            "target": _clip(values.get("target", ""), 300),
            "org_path": _clip(values.get("org_path", ""), 300),
            "detail": _as_stored(values.get("detail")),
            "ip": "",
        }
        row["prev_hash"], row["hash"] = prev_hash, entry_hash(prev_hash, **row)
        prev_hash = row["hash"]
        rows.append(row)
    bulk_insert(session, AuditEntry.__table__, rows)
    session.exec(_MOVE_HEAD, params={"hash": prev_hash})


def _claim_seqs(session, count):
    row = session.exec(_CLAIM_SEQS, params={"count": count}).one_or_none()
    if row is None:
        raise RuntimeError("core_audit_head has no row: run `gridwork db upgrade` first")
    return row.seq, row.hash


def _as_stored(detail):
    """The detail exactly as the JSON column gives it back (string keys, lists for tuples),
    so the hash computed now matches the one recomputed from the database later. Not
    sorted here: keys may still mix ints and strings until this round trip makes them text."""
    return json.loads(json.dumps(detail or {}, ensure_ascii=False, allow_nan=False))


def _hash_of(entry):
    return entry_hash(
        entry.prev_hash,
        seq=entry.seq,
        at=entry.at,
        actor=entry.actor,
        action=entry.action,
        target=entry.target,
        org_path=entry.org_path,
        detail=entry.detail,
        ip=entry.ip,
    )


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int  # entries found intact before the first problem (all of them when ok)
    first_bad_seq: Optional[int]
    reason: str  # Chinese, for the operator


def verify(session):
    """Recompute the whole chain in seq order, in batches, and name the first broken entry."""
    # Closing the result matters on PostgreSQL: stopping early would leave its server-side cursor open.
    with session.exec(_entries_with_head()) as rows:
        return _verify_rows(rows)


def _verify_rows(rows):
    previous_seq, previous_hash = 0, GENESIS_HASH
    head_seq = head_hash = None
    checked = 0
    for row in rows:
        head_seq, head_hash = row.head_seq, row.head_hash
        if row.seq is None:  # no entries at all: the outer join still gives the head
            break
        problem = _check_entry(row, previous_seq, previous_hash, head_seq)
        if problem:
            return _broken(checked, *problem)
        previous_seq, previous_hash = row.seq, row.hash
        checked += 1
    if head_seq is None:  # deleting the head must not make every entry invisible
        return _broken(checked, None, "链头记录（core_audit_head）缺失，无法核对审计链")
    problem = _check_tail(previous_seq, previous_hash, head_seq, head_hash)
    if problem:
        return _broken(checked, *problem)
    return VerifyResult(ok=True, checked=checked, first_bad_seq=None, reason=f"审计链完整：共 {checked} 条记录")


def _entries_with_head():
    """All entries in seq order, each carrying the head, read in ONE statement.

    One statement reads one snapshot on both SQLite and PostgreSQL, so an append that
    commits while we scan can never look like a forged or truncated tail.
    """
    head, entries = AuditHead.__table__, AuditEntry.__table__
    return (
        select(head.c.seq.label("head_seq"), head.c.hash.label("head_hash"), *entries.c)
        .select_from(head.outerjoin(entries, true()))
        .where(head.c.id == 1)
        .order_by(entries.c.seq)
        .execution_options(yield_per=VERIFY_BATCH_SIZE, gridwork_unscoped="verification reads the whole chain")
    )


def _check_entry(row, previous_seq, previous_hash, head_seq):
    """``(seq, reason)`` for the first thing wrong with this entry, else ``None``."""
    expected_seq = previous_seq + 1
    if row.seq > head_seq:
        return row.seq, f"第 {row.seq} 条记录超出链头登记的 {head_seq} 条（可能被伪造追加）"
    if row.seq != expected_seq:
        return expected_seq, f"第 {expected_seq} 条记录缺失（序号不连续，下一条是第 {row.seq} 条）"
    if row.prev_hash != previous_hash:
        return row.seq, f"第 {row.seq} 条记录与上一条衔接不上（可能有记录被删除、插入或调换顺序）"
    if _hash_of(row) != row.hash:
        return row.seq, f"第 {row.seq} 条记录的内容被修改（哈希不符）"
    return None


def _check_tail(last_seq, last_hash, head_seq, head_hash):
    if last_seq < head_seq:
        return last_seq + 1, f"第 {last_seq + 1} 条及之后的记录缺失（链尾被截断，链头登记 {head_seq} 条）"
    if last_hash != head_hash:
        return last_seq, f"第 {last_seq} 条记录与链头登记的哈希不符（链尾可能被改写）"
    return None


def _broken(checked, first_bad_seq, reason):
    return VerifyResult(ok=False, checked=checked, first_bad_seq=first_bad_seq, reason=reason)
