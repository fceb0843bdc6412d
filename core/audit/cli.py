"""``gridwork audit …``: operator commands for the audit trail."""

import click
from flask.cli import AppGroup

from core.audit.chain import verify
from core.db import session_scope

audit_cli = AppGroup("audit", help="审计日志")


@audit_cli.command("verify")
def verify_command():
    """重新计算整条审计链，指出第一条被篡改的记录。"""
    with session_scope() as session:
        result = verify(session)
    click.echo(result.reason, err=not result.ok)
    if not result.ok:
        # A non-zero exit lets cron or monitoring raise the alarm without parsing text.
        raise SystemExit(1)
