"""A command group named after the plugin (FX_CLI_GROUP lets a test try a name it may not use)."""

import click
from flask.cli import AppGroup

from core.public import hookimpl


@hookimpl
def gridwork_cli_commands(config):
    group = AppGroup(config.get("FX_CLI_GROUP", "fx_cli"), help="测试命令")

    @group.command("hello")
    @click.argument("name")
    def hello(name):
        """向 NAME 问好。"""
        click.echo(f"你好，{name}")

    return [group]
