"""``gridwork demo``: migrate, seed a demo county with accounts, switch every plugin on
there and let each add its demo data, and serve on 127.0.0.1."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlmodel import select
from werkzeug.serving import run_simple

from core.audit.chain import record_audit
from core.auth.models import User
from core.auth.passwords import hash_password
from core.bootstrap import ensure_default_packages
from core.db import session_scope, system_query
from core.permissions.store import grant_package
from core.plugin_system.enablement import STATE_TITLES, set_state, settings_of
from core.plugin_system.host import CORE_PLUGIN
from core.plugin_system.migrations import upgrade_all
from core.state import state_of
from core.timeutil import clock
from core.tree.models import OrgNode
from core.tree.regions import effective_state
from core.tree.scope import DataScope, scope_of_model
from core.usage.demo_usage import seed_demo_usage

DEMO_PASSWORD = "gridwork-demo"
DEMO_COUNTY = "c01"
DEMO_ACTOR = "demo"
STREETS = (
    ("s01", "东湖街道", (("m01", "幸福社区"), ("m02", "和平社区"))),
    ("s02", "西山镇", (("m03", "青山村"), ("m04", "绿水社区"))),
)
# (login, display name, package, org path): community staff share one community,
# the street admin sits above it.
ACCOUNTS = (
    ("county_admin", "县级管理员 王芳", "county_admin", "c01"),
    ("street_admin", "街道管理员 李强", "street_admin", "c01/s01"),
    ("community_admin", "社区管理员 张敏", "community_admin", "c01/s01/m01"),
    ("dispatcher", "事件调度员 刘洋", "event_dispatcher", "c01/s01/m01"),
    ("grid_worker", "网格员 陈静", "grid_feedback_worker", "c01/s01/m01/g01"),
    ("supervisor", "数据监督员 赵磊", "data_supervisor", "c01"),
)


def seed_demo(db, password):
    """Create the demo tree and accounts unless they exist; returns the accounts table."""
    ensure_default_packages(db)
    if db.get(OrgNode, "c01", execution_options={"gridwork_unscoped": "demo seed"}) is None:
        _seed_tree(db)
    for username, display_name, package, path in ACCOUNTS:
        user = db.exec(system_query(select(User).where(User.username == username), "demo seed")).first()
        if user is None:
            user = User(
                username=username, display_name=display_name, org_path=path, password_hash=hash_password(password)
            )
            db.add(user)
            db.flush()
            record_audit(
                db,
                "core.user_created",
                actor="demo",
                target=f"user:{user.id}",
                org_path=path,
                detail={"username": username, "package": package},
            )
        grant_package(db, user.id, package, path)
    return ACCOUNTS


def seed_plugins(host, states, nodes, folder, county_path=DEMO_COUNTY):
    """Let each plugin enabled at the county root add its demo data (``gridwork_demo_data``),
    each in a transaction of its own (committed after the plugin switches are): one plugin's
    failure leaves the accounts and the other plugins' data. Returns
    ``[(plugin, result, problem)]``."""
    outcomes = []
    for name, state in states.items():
        if state != "enabled":
            outcomes.append((name, None, f"在本县{STATE_TITLES[state]}，未添加演示数据"))
            continue
        try:
            with session_scope() as db:
                results = host.call_for(
                    {name},
                    "gridwork_demo_data",
                    session=db,
                    county_path=county_path,
                    org_nodes=nodes,
                    folder=str(folder),
                )
        except Exception as error:  # one plugin's bug must not cost the demo its other data
            outcomes.append((name, None, f"演示数据未能写入：{type(error).__name__}: {error}"))
            continue
        outcomes.extend((name, result, None) for result in results or [None])
    return outcomes


def enable_plugins(db, host, county_path):
    """Each loaded plugin on at the county root through the service the plugins page uses
    (audited, event published). A plugin with a setting there already keeps it: an admin's
    later decision stands, and a second run changes nothing. Returns {plugin: state}."""
    states = {}
    for plugin in host.loaded():
        if plugin.name == CORE_PLUGIN:
            continue
        if county_path not in dict(settings_of(db, plugin.name)):
            set_state(db, host, plugin.name, county_path, "enabled", actor=DEMO_ACTOR)
        states[plugin.name] = effective_state(settings_of(db, plugin.name), county_path)
    return states


def demo_org_nodes(db, county_path):
    """The county's nodes as plain dicts, root first: what ``gridwork_demo_data`` receives."""
    statement = scope_of_model(select(OrgNode), DataScope((county_path,)), OrgNode)
    nodes = db.exec(statement.order_by(OrgNode.depth, OrgNode.path)).all()
    paths = {node.id: node.path for node in nodes}
    return [
        {"path": node.path, "parent_path": paths.get(node.parent_id), "kind": node.kind, "name": node.name}
        for node in nodes
    ]


def _echo_plugin_outcomes(outcomes):
    if not outcomes:
        return
    click.echo(f"功能模块（在演示县 {DEMO_COUNTY} 启用）与演示数据：")
    for name, result, problem in outcomes:
        result = result if isinstance(result, dict) else {"summary": str(result)} if result else {}
        click.echo(f"  {name:<16} {problem or result.get('summary') or '没有演示数据'}")
        for path in result.get("files") or []:
            click.echo(f"  {'':<16} 文件：{path}")


def _seed_tree(db):
    db.add(OrgNode(id="c01", kind="county", name="示范县", path="c01", depth=0))
    grid_number = 0
    for street_id, street_name, communities in STREETS:
        street_path = f"c01/{street_id}"
        db.add(OrgNode(id=street_id, parent_id="c01", kind="street", name=street_name, path=street_path, depth=1))
        for community_id, community_name in communities:
            community_path = f"{street_path}/{community_id}"
            db.add(
                OrgNode(
                    id=community_id,
                    parent_id=street_id,
                    kind="community",
                    name=community_name,
                    path=community_path,
                    depth=2,
                )
            )
            for index in range(1, 4):
                grid_number += 1
                grid_id = f"g{grid_number:02d}"
                db.add(
                    OrgNode(
                        id=grid_id,
                        parent_id=community_id,
                        kind="grid",
                        name=f"第{index}网格",
                        path=f"{community_path}/{grid_id}",
                        depth=3,
                    )
                )
    db.flush()


def prepare_demo(app, password):
    """Everything ``gridwork demo`` puts in a migrated database: the county, the accounts,
    every plugin switched on and its demo data. Returns ``(accounts, plugin outcomes)``."""
    folder = Path(app.instance_path)
    folder.mkdir(parents=True, exist_ok=True)
    host = state_of(app).host
    with session_scope(app) as db:
        accounts = seed_demo(db, password)
        states = enable_plugins(db, host, DEMO_COUNTY)
        nodes = demo_org_nodes(db, DEMO_COUNTY)
        communities = [node["path"] for node in nodes if node["kind"] == "community"]
        switched_on = [name for name, state in states.items() if state == "enabled"]
        seed_demo_usage(db, DEMO_COUNTY, communities, switched_on, clock.today())
    return accounts, seed_plugins(host, states, nodes, folder)


@click.command("demo")
@click.option("--port", default=5000, show_default=True, help="监听端口（只监听 127.0.0.1）")
@click.option("--password", default=DEMO_PASSWORD, show_default=True, help="演示账号的密码")
@click.option("--no-serve", is_flag=True, help="只准备数据，不启动服务")
@with_appcontext
def demo_command(port, password, no_serve):
    """创建或升级实例数据库，写入演示县和演示账号，并在 127.0.0.1 上启动服务。"""
    upgrade_all(current_app)
    accounts, outcomes = prepare_demo(current_app, password)
    click.echo(f"演示账号（密码：{password}）：")
    for username, display_name, package, path in accounts:
        click.echo(f"  {username:<16} {display_name:<14} {package:<22} {path}")
    _echo_plugin_outcomes(outcomes)
    if no_serve:
        return
    # Plain http on loopback: a Secure cookie would never come back from the browser.
    current_app.config.update(SESSION_COOKIE_SECURE=False, REMEMBER_COOKIE_SECURE=False)
    click.echo(f"请在浏览器中打开 http://127.0.0.1:{port}/login")
    # Not app.run(): Flask ignores it inside a CLI command.

    run_simple("127.0.0.1", port, current_app._get_current_object(), threaded=True, use_reloader=False)
