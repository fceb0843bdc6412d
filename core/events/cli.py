"""``gridwork worker`` (event dispatchers in their own process) and ``gridwork events …``."""

import json
import signal
import threading

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from core.db import session_scope
from core.events.admin import replay, status_counts
from core.events.dispatch import Dispatcher, run_workers
from core.state import state_of

events_cli = AppGroup("events", help="事件总线：积压、失败与死信")


@click.command("worker")
@click.option("--concurrency", default=1, show_default=True, type=click.IntRange(1, 64), help="分发线程数")
@click.option("--once", is_flag=True, help="处理完当前到期的投递后退出")
@click.option("--batch", default=None, type=click.IntRange(1, 1000), help="每次领取的投递数（默认 EVENTS_BATCH_SIZE）")
@with_appcontext
def worker_command(concurrency, once, batch):
    """运行后台进程：事件分发和定时任务（可在多台机器上同时运行，靠租约安全分工）。"""
    app = current_app._get_current_object()
    if once:
        total = sum(
            Dispatcher(app, owner_suffix=f"once{index}", batch_size=batch).drain() for index in range(concurrency)
        )
        ran = state_of(app).scheduler.tick() if state_of(app).scheduler else {}
        click.echo(f"已处理 {total} 个投递，运行 {len(ran)} 个到期的定时任务。")
        return
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        # Finish the delivery in hand, give back the rest of the batch, then exit.
        signal.signal(signum, lambda *_: stop.set())
    click.echo(f"事件分发进程已启动（{concurrency} 个线程）。按 Ctrl+C 停止。")
    scheduler = state_of(app).scheduler
    run_workers(app, concurrency=concurrency, batch_size=batch, stop=stop, also=[scheduler.run] if scheduler else [])
    click.echo("事件分发进程已停止。")


@events_cli.command("status")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
def status_command(as_json):
    """显示积压、失败中和死信的投递数。"""
    with session_scope() as session:
        counts = status_counts(session)
    if as_json:
        click.echo(json.dumps(counts, ensure_ascii=False))
        return
    click.echo(f"积压（待投递）：{counts['backlog']}")
    click.echo(f"失败重试中：{counts['failing']}")
    click.echo(f"死信：{counts['dead']}")
    if counts["oldest_due_at"]:
        click.echo(f"最早到期：{counts['oldest_due_at']}")


@events_cli.command("replay")
@click.option("--id", "event_id", default=None, help="只重放该事件的死信")
@click.option("--handler", default=None, help="只重放该处理器的死信")
@click.option("--all", "replay_all", is_flag=True, help="重放全部死信")
def replay_command(event_id, handler, replay_all):
    """把死信重新放回投递队列（记入审计日志）。"""
    if not (event_id or handler or replay_all):
        raise click.UsageError("请指定 --id、--handler 或 --all。")
    with session_scope() as session:
        count = replay(session, actor="cli", event_id=event_id, handler=handler)
    click.echo(f"已重新排队 {count} 条死信。")
