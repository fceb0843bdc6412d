"""``gridwork demo``: migrate, seed a demo county with accounts, and serve on 127.0.0.1."""
import click
from flask import current_app
from flask.cli import with_appcontext
from sqlmodel import select

from core.audit.chain import record
from core.auth.models import User
from core.auth.passwords import hash_password
from core.bootstrap import ensure_default_packages
from core.db import session_scope, system_query
from core.orgs.models import OrgNode
from core.permissions.store import grant_package

DEMO_PASSWORD = "gridwork-demo"
STREETS = (("s01", "东湖街道", (("m01", "幸福社区"), ("m02", "和平社区"))),
           ("s02", "西山镇", (("m03", "青山村"), ("m04", "绿水社区"))))
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
            user = User(username=username, display_name=display_name, org_path=path,
                        password_hash=hash_password(password))
            db.add(user)
            db.flush()
            record(db, "core.user_created", actor="demo", target=f"user:{user.id}", org_path=path,
                   detail={"username": username, "package": package})
        grant_package(db, user.id, package, path)
    return ACCOUNTS


def _seed_tree(db):
    db.add(OrgNode(id="c01", kind="county", name="示范县", path="c01", depth=0))
    grid_number = 0
    for street_id, street_name, communities in STREETS:
        street_path = f"c01/{street_id}"
        db.add(OrgNode(id=street_id, parent_id="c01", kind="street", name=street_name, path=street_path, depth=1))
        for community_id, community_name in communities:
            community_path = f"{street_path}/{community_id}"
            db.add(OrgNode(id=community_id, parent_id=street_id, kind="community", name=community_name,
                           path=community_path, depth=2))
            for index in range(1, 4):
                grid_number += 1
                grid_id = f"g{grid_number:02d}"
                db.add(OrgNode(id=grid_id, parent_id=community_id, kind="grid", name=f"第{index}网格",
                               path=f"{community_path}/{grid_id}", depth=3))
    db.flush()


@click.command("demo")
@click.option("--port", default=5000, show_default=True, help="监听端口（只监听 127.0.0.1）")
@click.option("--password", default=DEMO_PASSWORD, show_default=True, help="演示账号的密码")
@click.option("--no-serve", is_flag=True, help="只准备数据，不启动服务")
@with_appcontext
def demo_command(port, password, no_serve):
    """创建或升级实例数据库，写入演示县和演示账号，并在 127.0.0.1 上启动服务。"""
    from core.plugin_system.migrations import upgrade_all

    upgrade_all(current_app)
    with session_scope() as db:
        accounts = seed_demo(db, password)
    click.echo("演示账号（密码：%s）：" % password)
    for username, display_name, package, path in accounts:
        click.echo(f"  {username:<16} {display_name:<14} {package:<22} {path}")
    if no_serve:
        return
    # Plain http on loopback: a Secure cookie would never come back from the browser.
    current_app.config.update(SESSION_COOKIE_SECURE=False, REMEMBER_COOKIE_SECURE=False)
    click.echo(f"请在浏览器中打开 http://127.0.0.1:{port}/login")
    # Not app.run(): Flask ignores it inside a CLI command.
    from werkzeug.serving import run_simple

    run_simple("127.0.0.1", port, current_app._get_current_object(), threaded=True, use_reloader=False)
