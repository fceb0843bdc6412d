"""``gridwork plugin …``: see what loaded, switch plugins on and off at org nodes."""

import click
from flask.cli import AppGroup
from sqlmodel import select

from core.api.errors import ServiceError
from core.db import session_scope, system_query
from core.plugin_system.enablement import set_state
from core.plugin_system.scaffold import ScaffoldError, create_plugin
from core.state import state_of
from core.tree.models import OrgNode

plugin_cli = AppGroup("plugin", help="功能模块（插件）")


@plugin_cli.command("list")
def list_plugins():
    """列出已安装的功能模块及其加载状态。"""
    for plugin in state_of().host.plugins.values():
        status = "已加载" if plugin.ok else f"未加载：{plugin.error}"
        click.echo(f"{plugin.name:<24} {plugin.version or '-':<10} {plugin.source:<8} {status}")
        for warning in plugin.warnings:
            click.echo(f"{'':<24} 注意：{warning}")


@plugin_cli.command("set-state")
@click.argument("name")
@click.argument("org_path")
@click.argument("state", type=click.Choice(["enabled", "disabled", "forbidden", "inherit"]))
def set_state_command(name, org_path, state):
    """在组织节点 ORG_PATH 上启用/停用/禁止功能模块 NAME（inherit = 清除该节点的设置）。"""
    try:
        with session_scope() as db:
            _require_org_node(db, org_path)
            result = set_state(db, state_of().host, name, org_path, state, actor="cli")
    except ServiceError as error:
        raise click.ClickException(str(error))
    click.echo(f"{name} 在 {org_path}：{result.old_state} → {result.new_state}")


def _require_org_node(db, org_path):
    """A setting at a path with no node would switch nothing on (no one is granted there)
    and would wait, invisible, for a node that someday takes that path."""

    statement = system_query(select(OrgNode.id).where(OrgNode.path == org_path), "the operator names a node")
    if db.exec(statement).first() is None:
        raise click.ClickException(
            f"ORG_PATH：组织节点 {org_path} 不存在，请使用组织架构中已有的路径（如 c01/s01/m01）。"
        )


@plugin_cli.command("new")
@click.argument("name")
@click.option(
    "--dir",
    "parent_dir",
    default=".",
    show_default=True,
    type=click.Path(file_okay=False),
    help="在该目录下创建 NAME 文件夹",
)
def new_plugin(name, parent_dir):
    """新建第三方功能模块包 NAME：pyproject、清单、钩子、页面、表单模式、迁移和测试。"""
    try:
        folder, written = create_plugin(name, parent_dir)
    except ScaffoldError as error:
        raise click.ClickException(str(error))
    click.echo(f"已创建功能模块 {name}（{len(written)} 个文件）：{folder}")
    click.echo(f"下一步：cd {folder} && pip install -e . && gridwork db upgrade && pytest")
