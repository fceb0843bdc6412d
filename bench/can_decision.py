"""Permission decision cost: ``can()`` warm, against a dict lookup and bare pycasbin.

``can(actor, "core.org_read", "c01/s01/m01/g01")`` runs on a real ``create_app`` app with
the seeded demo county, inside an app context, for the community_admin user (granted at
c01/s01/m01, so the answer is "allowed"). Floors: (a) a dict lookup of the same decision,
(b) a plain ``casbin.Enforcer.enforce`` on the same model, domain function and policy rows.

    .venv/bin/python bench/can_decision.py
"""

import argparse
import sys
import tempfile
import time

from _common import DEMO_USER, TARGET_PATH, BenchFailure, emit_json, fmt_us, machine_line, median, prepare_demo_database

PERMISSION = "core.org_read"
GOAL_CAN_US = 5.0
GOAL_SPEEDUP = 10.0


def per_call_ns(call, args, iterations, batch):
    """(median per-call ns over batches, mean per-call ns over everything).

    The median shows the usual cost; the mean includes whatever happens now and then —
    for can(), the policy-version SELECT every POLICY_CHECK_INTERVAL."""
    samples = []
    started = time.perf_counter_ns()
    for _ in range(max(1, iterations // batch)):
        t0 = time.perf_counter_ns()
        for _ in range(batch):
            call(*args)
        samples.append((time.perf_counter_ns() - t0) / batch)
    total = time.perf_counter_ns() - started
    return median(samples), total / (len(samples) * batch)


def empty_loop_ns(iterations, batch):
    def nothing(*_):
        return None

    return per_call_ns(nothing, (), iterations, batch)[0]


def bare_enforcer(app):
    """A plain (unsynchronised, uncached) casbin.Enforcer: our model, our domain function,
    the policy rows from the same database through the same adapter."""
    import casbin
    from sqlalchemy_adapter import Adapter

    from core.db import engine_of
    from core.permissions.models import CasbinRule
    from core.permissions.policy import MODEL_TEXT
    from core.tree.paths import covers

    model = casbin.Model()
    model.load_model_from_text(MODEL_TEXT)
    enforcer = casbin.Enforcer(model, Adapter(engine_of(app), db_class=CasbinRule, create_table=False))
    enforcer.add_named_domain_matching_func("g", lambda request, stored: covers(stored, request))
    enforcer.load_policy()
    return enforcer


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=200_000, help="calls of can() and of the dict lookup")
    parser.add_argument("--enforce-iterations", type=int, default=5_000, help="calls of casbin enforce")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    print(machine_line())
    with tempfile.TemporaryDirectory(prefix="gridwork-bench-") as directory:
        app, user_id, _token = prepare_demo_database(directory)
        with app.app_context():
            figures = measure(app, user_id, args)
        from core.db import engine_of

        engine_of(app).dispose()
    report(figures, args)


def measure(app, user_id, args):
    from sqlmodel import select

    from core.auth.actor import Actor
    from core.auth.models import User
    from core.db import session_scope, system_query
    from core.permissions.access import can, policy_engine
    from core.permissions.ids import user_subject

    with session_scope(app) as db:
        user = db.exec(system_query(select(User).where(User.id == user_id), "bench actor")).one()
        actor = Actor.from_user(user)
    subject = user_subject(user_id)
    enforcer = bare_enforcer(app)
    engine = policy_engine()
    decisions = {(user_id, PERMISSION, TARGET_PATH): True}
    answers = {
        "can": can(actor, PERMISSION, TARGET_PATH),
        "dict": decisions[(user_id, PERMISSION, TARGET_PATH)],
        "enforce": enforcer.enforce(subject, TARGET_PATH, PERMISSION),
        "engine._enforce": engine._enforce(subject, TARGET_PATH, PERMISSION),
    }
    if not all(answers.values()):
        raise BenchFailure(f"{DEMO_USER} should hold {PERMISSION} at {TARGET_PATH}; got {answers}")

    iterations, enforce_iterations = args.iterations, args.enforce_iterations
    figures = {"loop_ns": empty_loop_ns(iterations, 1000)}
    started = time.monotonic()
    figures["can_ns"], figures["can_mean_ns"] = per_call_ns(can, (actor, PERMISSION, TARGET_PATH), iterations, 1000)
    can_seconds = time.monotonic() - started
    figures["version_checks"] = int(can_seconds / app.config["POLICY_CHECK_INTERVAL"])
    figures["dict_ns"], _ = per_call_ns(decisions.__getitem__, ((user_id, PERMISSION, TARGET_PATH),), iterations, 1000)
    figures["enforce_ns"], _ = per_call_ns(enforcer.enforce, (subject, TARGET_PATH, PERMISSION), enforce_iterations, 50)
    figures["engine_enforce_ns"], _ = per_call_ns(
        engine._enforce, (subject, TARGET_PATH, PERMISSION), enforce_iterations, 50
    )
    figures["policy_rows"] = len(enforcer.get_policy()) + len(enforcer.get_grouping_policy())
    return figures


def report(figures, args):
    can_us = figures["can_ns"] / 1000
    speedup = figures["enforce_ns"] / figures["can_ns"]
    print(
        f"can({DEMO_USER}, {PERMISSION!r}, {TARGET_PATH!r}) — allowed; "
        f"{figures['policy_rows']} policy rows; {args.iterations:,} calls (can, dict), "
        f"{args.enforce_iterations:,} (enforce); medians of batches"
    )
    print(
        f"  can() warm                     {fmt_us(figures['can_ns'])} per call (mean {fmt_us(figures['can_mean_ns'])})"
    )
    print(f"  dict lookup of the decision    {fmt_us(figures['dict_ns'])} per call")
    print(f"  casbin.Enforcer.enforce (bare) {fmt_us(figures['enforce_ns'])} per call")
    print(f"  PolicyEngine._enforce (uncached, SyncedEnforcer) {fmt_us(figures['engine_enforce_ns'])} per call")
    print(f"  empty call loop                {fmt_us(figures['loop_ns'])} per call (included in every figure)")
    print(
        f"  note: can() checks the policy version at most every POLICY_CHECK_INTERVAL with one SELECT "
        f"(~{figures['version_checks']} during this run); that cost is amortised into the mean above, "
        f"and the median batch rarely contains one"
    )
    print(f"ratio can/dict: {figures['can_ns'] / figures['dict_ns']:.1f}×; enforce/can: {speedup:.0f}× faster")
    print(
        f"goals: can() median ≤ {GOAL_CAN_US} µs: {'meets' if can_us <= GOAL_CAN_US else 'MISSES'}; "
        f"≥ {GOAL_SPEEDUP:.0f}× faster than enforce: {'meets' if speedup >= GOAL_SPEEDUP else 'MISSES'}"
    )
    emit_json(
        "can_decision",
        permission=PERMISSION,
        path=TARGET_PATH,
        iterations=args.iterations,
        enforce_iterations=args.enforce_iterations,
        policy_rows=figures["policy_rows"],
        can_us=round(can_us, 3),
        can_mean_us=round(figures["can_mean_ns"] / 1000, 3),
        dict_us=round(figures["dict_ns"] / 1000, 3),
        enforce_us=round(figures["enforce_ns"] / 1000, 2),
        engine_enforce_us=round(figures["engine_enforce_ns"] / 1000, 2),
        loop_us=round(figures["loop_ns"] / 1000, 3),
        enforce_over_can=round(speedup, 1),
        goal_can_us=GOAL_CAN_US,
        goal_speedup=GOAL_SPEEDUP,
    )


if __name__ == "__main__":
    try:
        main()
    except BenchFailure as failure:
        print(f"BENCH FAILED: {failure}", file=sys.stderr)
        sys.exit(1)
