"""``gridwork jobs list`` and ``gridwork jobs run NAME [--at TIME] [--again]``."""

from datetime import datetime

import click
from flask.cli import AppGroup

from core.db import session_scope
from core.scheduler.models import STATUS_TITLES
from core.scheduler.overview import job_overview
from core.state import state_of
from core.timeutil import clock

jobs_cli = AppGroup("jobs", help="定时任务：查看和手动运行")
OUTCOMES = {**STATUS_TITLES, "lost": "运行期间被其他进程接手，本次结果未保存"}


@jobs_cli.command("list")
def list_command():
    """列出定时任务：周期、上次运行、下次运行、上次错误。"""
    with session_scope() as session:
        rows = job_overview(session)
    if not rows:
        click.echo("没有定时任务。")
    for row in rows:
        last = f"{row['last_period']} {row['last_status']}" if row["last_period"] else "从未运行"
        click.echo(f"{row['name']}  {row['title']}  {row['schedule']}  上次：{last}  下次：{row['next_run']}")
        if row["last_error"]:
            click.echo(f"    上次错误：{row['last_error']}")


@jobs_cli.command("run")
@click.argument("name")
@click.option("--at", "at", default=None, help="按这个时间所在的周期运行，如 2026-12-03 02:30（本地时间）")
@click.option("--again", is_flag=True, help="该周期已运行过也再运行一次")
def run_command(name, at, again):
    """立即运行一个定时任务（该周期已由其他进程运行过时不重复运行）。"""
    job = state_of().jobs.get(name)
    if job is None:
        raise click.ClickException(f"没有名为 {name} 的定时任务（gridwork jobs list 可列出全部）。")
    when = _parse_local(at) if at else None
    outcome = state_of().scheduler.run_due(job, at=when, force=again)
    if outcome is None:
        click.echo("该周期已运行过（或正在运行），未重复运行；需要时加 --again。")
        return
    click.echo(f"{name}：{OUTCOMES.get(outcome, outcome)}")
    if outcome not in ("done", "skipped"):
        raise SystemExit(1)


def _parse_local(text):
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise click.BadParameter("时间格式应为 2026-12-03 02:30", param_hint="--at") from None
    return value.replace(tzinfo=clock.zone) if value.tzinfo is None else value
