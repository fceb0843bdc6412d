"""The audit trail: appends form an unbroken chain, and any tampering is named."""

import threading

import pytest
from flask import Flask
from sqlalchemy import insert, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, select

import core.db
import core.state
from core.audit import chain
from core.audit.chain import entry_hash, record_audit, verify
from core.audit.cli import audit_cli
from core.audit.models import AuditEntry, AuditHead

CHAIN_LENGTH = 30


def append_entries(engine, count):
    with Session(engine) as session:
        for number in range(count):
            record_audit(
                session,
                "resident.viewed",
                actor="网格员甲",
                target=f"resident:{number}",
                org_path="/county/town/",
                detail={"fields": ["姓名", "电话"], "n": number},
                ip="10.0.0.1",
            )
        session.commit()


def verify_in_new_session(engine):
    with Session(engine) as session:
        return verify(session)


def drop_append_only_trigger(conn):
    """What an attacker with database access does first."""
    if conn.dialect.name == "sqlite":
        conn.execute(text("DROP TRIGGER core_audit_entry_no_update"))
        conn.execute(text("DROP TRIGGER core_audit_entry_no_delete"))
    else:
        conn.execute(text("DROP TRIGGER core_audit_entry_append_only ON core_audit_entry"))


def tamper(engine, *statements):
    """Raw SQL strings, or SQLAlchemy statements where values need per-dialect typing."""
    with engine.begin() as conn:
        drop_append_only_trigger(conn)
        for statement in statements:
            conn.execute(text(statement) if isinstance(statement, str) else statement)


def forged_entry(seq, prev_hash, at, hash_=None):
    """An INSERT for a made-up entry; with ``hash_=None`` its hash is computed properly,
    as a forger who has read this code would do."""
    fields = dict(seq=seq, at=at, actor="", action="forged", target="", org_path="", detail={}, ip="")
    hash_ = hash_ or entry_hash(prev_hash, **fields)
    return insert(AuditEntry.__table__).values(**fields, prev_hash=prev_hash, hash=hash_)


def stored_entry(engine, seq):
    with Session(engine) as session:
        return session.get(AuditEntry, seq)


def shift_seqs(from_seq, by):
    """Renumber through negative seqs, so the primary key never collides mid-statement."""
    return [
        f"UPDATE core_audit_entry SET seq = -(seq + {by}) WHERE seq >= {from_seq}",
        "UPDATE core_audit_entry SET seq = -seq WHERE seq < 0",
    ]


def swap_seqs(a, b):
    return [
        f"UPDATE core_audit_entry SET seq = -1 WHERE seq = {a}",
        f"UPDATE core_audit_entry SET seq = {a} WHERE seq = {b}",
        f"UPDATE core_audit_entry SET seq = {b} WHERE seq = -1",
    ]


def assert_broken_at(result, seq, words):
    assert not result.ok
    assert result.first_bad_seq == seq
    assert f"第 {seq} 条" in result.reason and words in result.reason
    assert result.checked == seq - 1


def test_an_intact_chain_of_hundreds_of_entries_verifies_in_batches(engine, monkeypatch):
    monkeypatch.setattr(chain, "VERIFY_BATCH_SIZE", 50)
    append_entries(engine, 300)

    result = verify_in_new_session(engine)

    assert result.ok and result.checked == 300 and result.first_bad_seq is None
    assert result.reason == "审计链完整：共 300 条记录"


def test_an_empty_trail_verifies(engine):
    assert verify_in_new_session(engine).ok


def test_seq_stays_gapless_when_a_transaction_rolls_back(engine):
    with Session(engine) as session:
        record_audit(session, "login.failed")
        session.rollback()
        entry = record_audit(session, "login.succeeded")
        session.commit()
        assert entry.seq == 1
        assert session.get(AuditHead, 1).hash == entry.hash


def test_the_hash_survives_a_round_trip_through_the_database(engine):
    with Session(engine, expire_on_commit=False) as session:  # keep the values as written
        written = record_audit(
            session,
            "export.created",
            actor="张*",
            target="resident:1",
            detail={"列": ("姓名", "电话"), 7: 1.5},
            ip="::1",
        )
        session.commit()
    with Session(engine) as session:
        stored = session.get(AuditEntry, 1)
        assert stored.at == written.at and stored.at.utcoffset().total_seconds() == 0
        assert stored.detail == {"列": ["姓名", "电话"], "7": 1.5}
        recomputed = entry_hash(
            stored.prev_hash,
            seq=stored.seq,
            at=stored.at,
            actor=stored.actor,
            action=stored.action,
            target=stored.target,
            org_path=stored.org_path,
            detail=stored.detail,
            ip=stored.ip,
        )
        assert recomputed == stored.hash == written.hash
        assert verify(session).ok


def test_the_database_refuses_to_change_or_delete_an_entry(engine):
    append_entries(engine, 3)
    for statement in (
        "UPDATE core_audit_entry SET actor = 'x' WHERE seq = 2",
        "DELETE FROM core_audit_entry WHERE seq = 2",
    ):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    assert verify_in_new_session(engine).ok


def test_concurrent_appends_from_two_workers_never_fork_the_chain(engine):
    start_together = threading.Barrier(2)
    errors = []

    def worker(name):
        try:
            start_together.wait()
            for number in range(50):
                with Session(engine) as session:
                    record_audit(session, "worker.acted", actor=name, detail={"n": number})
                    session.commit()
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(name,)) for name in ("甲", "乙")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    with Session(engine) as session:
        assert list(session.exec(select(AuditEntry.seq).order_by(AuditEntry.seq))) == list(range(1, 101))
    result = verify_in_new_session(engine)
    assert result.ok and result.checked == 100


def test_a_modified_entry_is_named(engine):
    append_entries(engine, CHAIN_LENGTH)
    tamper(engine, "UPDATE core_audit_entry SET detail = '{\"n\": 0}' WHERE seq = 12")
    assert_broken_at(verify_in_new_session(engine), 12, "内容被修改（哈希不符）")


def test_a_deleted_entry_is_named(engine):
    append_entries(engine, CHAIN_LENGTH)
    tamper(engine, "DELETE FROM core_audit_entry WHERE seq = 10")
    assert_broken_at(verify_in_new_session(engine), 10, "缺失")


def test_a_deleted_entry_with_the_rest_renumbered_is_named(engine):
    append_entries(engine, CHAIN_LENGTH)
    tamper(
        engine,
        "DELETE FROM core_audit_entry WHERE seq = 10",
        *shift_seqs(11, -1),
        "UPDATE core_audit_head SET seq = seq - 1",
    )
    assert_broken_at(verify_in_new_session(engine), 10, "衔接不上")


def test_a_forged_entry_inserted_in_the_middle_is_named(engine):
    append_entries(engine, CHAIN_LENGTH)
    fourth = stored_entry(engine, 4)
    # prev_hash is UNIQUE, so the forged entry cannot reuse the fourth entry's hash.
    tamper(engine, *shift_seqs(5, 1), forged_entry(5, prev_hash="f" * 64, at=fourth.at))
    assert_broken_at(verify_in_new_session(engine), 5, "衔接不上")


def test_a_forged_entry_appended_past_the_head_is_named(engine):
    append_entries(engine, CHAIN_LENGTH)
    last = stored_entry(engine, CHAIN_LENGTH)
    tamper(engine, forged_entry(CHAIN_LENGTH + 1, prev_hash=last.hash, at=last.at))
    assert_broken_at(verify_in_new_session(engine), CHAIN_LENGTH + 1, "超出链头")


def test_two_entries_with_swapped_seq_are_named(engine):
    append_entries(engine, CHAIN_LENGTH)
    tamper(engine, *swap_seqs(3, 8))
    assert_broken_at(verify_in_new_session(engine), 3, "衔接不上")


def test_two_entries_with_swapped_contents_are_named(engine):
    append_entries(engine, CHAIN_LENGTH)
    tamper(
        engine,
        "UPDATE core_audit_entry SET target = 'resident:tmp' WHERE seq = 4",
        "UPDATE core_audit_entry SET target = 'resident:3' WHERE seq = 9",
        "UPDATE core_audit_entry SET target = 'resident:8' WHERE seq = 4",
    )
    assert_broken_at(verify_in_new_session(engine), 4, "内容被修改")


def test_a_truncated_tail_is_named(engine):
    append_entries(engine, CHAIN_LENGTH)
    tamper(engine, f"DELETE FROM core_audit_entry WHERE seq = {CHAIN_LENGTH}")
    assert_broken_at(verify_in_new_session(engine), CHAIN_LENGTH, "链尾被截断")


def test_a_deleted_head_row_is_reported(engine):
    append_entries(engine, 3)
    tamper(engine, "DELETE FROM core_audit_head")
    result = verify_in_new_session(engine)
    assert not result.ok and result.first_bad_seq is None and "链头记录" in result.reason


def test_the_verify_command_exits_nonzero_and_names_the_broken_entry(database_url):
    app = Flask(__name__)
    app.config["DATABASE_URL"] = database_url
    core.state.init_app(app)
    core.db.init_app(app)
    app.cli.add_command(audit_cli)
    engine = core.db.engine_of(app)
    append_entries(engine, CHAIN_LENGTH)

    intact = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert intact.exit_code == 0 and f"审计链完整：共 {CHAIN_LENGTH} 条记录" in intact.output

    tamper(engine, "UPDATE core_audit_entry SET actor = '别人' WHERE seq = 12")
    broken = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert broken.exit_code == 1 and "第 12 条记录的内容被修改（哈希不符）" in broken.output
    engine.dispose()


def test_overlong_fields_are_clipped_not_lost(engine):
    from sqlmodel import Session

    from core.audit.chain import record_audit, verify

    with Session(engine) as session:
        entry = record_audit(session, "core.permission_denied", target="/api/v1/x/" + "y" * 500, actor="a" * 300)
        session.commit()
        assert len(entry.target) == 300 and entry.target.endswith("…")
        assert verify(session).ok
