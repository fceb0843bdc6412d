"""The ``gridwork`` entry point: Flask's CLI group, building the app for each command.

Only ``main`` lives here. The core's own commands are in ``core.commands`` and arrive
through the ``gridwork_cli_commands`` hook like any plugin's, so nothing the app imports
while it is being built imports this module back.
"""

import platform
from importlib.metadata import version

import click
from flask.cli import FlaskGroup
from sqlalchemy.exc import DBAPIError

from core.app import create_app
from core.plugin_system.registration import core_version

NOT_MIGRATED = "数据库还没有建表（或缺少部分表）：请先运行 gridwork db upgrade。"
# PostgreSQL's SQLSTATE for "undefined table".
UNDEFINED_TABLE = "42P01"


def main():
    GridworkGroup().main(prog_name="gridwork")


class GridworkGroup(FlaskGroup):
    """Flask's group without what Gridwork does not ship or need: no ``-e/--env-file``
    (it needs python-dotenv), no ``.env`` loading; ``--version`` names Gridwork."""

    def __init__(self):
        version_option = click.Option(
            ["--version"],
            is_flag=True,
            is_eager=True,
            expose_value=False,
            callback=_print_version,
            help="显示 Gridwork 的版本。",
        )
        super().__init__(
            create_app=_create_app,
            load_dotenv=False,
            add_version_option=False,
            params=[version_option],
            help="Gridwork 网格治理平台",
        )
        # FlaskGroup adds the option whatever load_dotenv says; without dotenv it can only fail.
        self.params = [param for param in self.params if param.name != "env_file"]

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except DBAPIError as error:
            if not is_missing_table(error):
                raise
            # One line the operator can act on, instead of a page of SQLAlchemy traceback.
            click.echo(NOT_MIGRATED, err=True)
            ctx.exit(1)


def is_missing_table(error):
    """True when the database has not been migrated: a table is missing, or (SQLite) the
    instance folder holding the database file does not exist yet."""
    original = getattr(error, "orig", None)
    if getattr(original, "sqlstate", None) == UNDEFINED_TABLE:
        return True
    text = str(original)
    return "no such table" in text or "unable to open database file" in text


def _create_app():
    return create_app()


def _print_version(ctx, _param, value):
    if not value or ctx.resilient_parsing:
        return

    click.echo(f"Gridwork {core_version()}")
    click.echo(f"Python {platform.python_version()} · Flask {version('flask')}")
    ctx.exit()
