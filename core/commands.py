"""The core's own ``gridwork`` commands, contributed through the ``gridwork_cli_commands``
hook by ``core.default_plugin`` like any plugin's.

Nothing here imports ``core.app`` or ``core.cli``: the app imports this module while it is
being built (``tests/core/test_cli.py`` checks the import graph).
"""

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from sqlmodel import select

from core.audit.chain import record_audit
from core.audit.cli import audit_cli
from core.auth.models import User
from core.auth.tokens import create_token
from core.bootstrap import BootstrapError, create_first_admin
from core.db import session_scope, system_query
from core.demo import demo_command
from core.events.cli import events_cli, worker_command
from core.plugin_system.cli import plugin_cli
from core.plugin_system.migrations import upgrade_all
from core.scheduler.cli import jobs_cli

db_cli = AppGroup("db", help="数据库结构迁移")
token_cli = AppGroup("token", help="API 访问令牌")


def core_commands():
    """The core's commands, contributed through the ``gridwork_cli_commands`` hook."""
    return [db_cli, token_cli, audit_cli, create_admin, demo_command, plugin_cli, events_cli, worker_command, jobs_cli]


@db_cli.command("upgrade")
def db_upgrade():
    """把数据库升级到最新结构（核心与所有已安装模块）。"""
    applied = upgrade_all(current_app)
    if not applied:
        click.echo("数据库已是最新结构，没有需要应用的迁移。")
        return
    click.echo(f"已应用 {len(applied)} 个迁移：")
    for revision, description in applied:
        click.echo(f"  {revision:<24} {description}")
    click.echo("数据库已升级到最新结构。")


@click.command("create-admin")
@click.option("--username", required=True, help="登录名")
@click.option("--password", required=True, help="密码（至少 12 个字符）")
@click.option("--org", "org_path", default=None, help="授予县级管理员的组织路径；默认为唯一的县级节点")
@with_appcontext
def create_admin(username, password, org_path):
    """创建第一个管理员（县级管理员角色包）。"""
    try:
        with session_scope() as db:
            user, path = create_first_admin(db, username, password, org_path)
    except BootstrapError as error:
        raise click.ClickException(str(error))
    click.echo(f"已创建管理员 {user.username}，在 {path} 拥有县级管理员权限。")


@token_cli.command("create")
@click.option("--user", "username", required=True, help="令牌所属的登录名")
@click.option("--name", default="cli", help="令牌名称")
def token_create(username, name):
    """为账号新建 API 访问令牌（只显示一次）。"""

    name = name.strip()
    if not name:
        raise click.ClickException("--name：令牌名称不能为空，请写明用途（如 “数据对接”）。")
    with session_scope() as db:
        user = db.exec(system_query(select(User).where(User.username == username), "CLI by login name")).first()
        if user is None:
            raise click.ClickException(f"账号不存在：{username}")
        row, plaintext = create_token(db, user, name)
        record_audit(
            db,
            "core.token_created",
            actor="cli",
            target=f"token:{row.id}",
            org_path=user.org_path,
            detail={"name": name, "user": username, "via": "cli"},
        )
    click.echo(plaintext)
