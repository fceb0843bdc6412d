"""``gridwork waste-points verify``: recompute every community's points chain (or one's)
and name the first broken entry; exit status 1 when any chain is broken."""

import click
from flask.cli import AppGroup

from core.public import session_scope
from plugins.waste_sorting.ledger import chain

waste_points_cli = AppGroup("waste-points", help="垃圾分类户积分流水")


@waste_points_cli.command("verify")
@click.option("--community", default="", help="只核对这个社区（组织路径）")
def verify(community):
    """核对户积分流水的链式校验，指出第一条被改动的流水。"""
    broken = 0
    with session_scope() as db:
        for path in [community] if community else chain.communities(db):
            result = chain.verify_community(db, path)
            click.echo(f"{path}：{result.reason}")
            broken += not result.ok
    if broken:
        raise SystemExit(1)
