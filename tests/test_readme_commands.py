"""The README's commands really work: ``gridwork demo`` serves the login page and a demo
account signs in; the deployment path serves with gunicorn and imports an org tree."""

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read().decode()
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"{url} never answered")


def test_gridwork_demo_serves_the_login_page_and_a_demo_account_signs_in(tmp_path):
    port = free_port()
    env = {**os.environ, "GRIDWORK_INSTANCE_PATH": str(tmp_path / "instance")}
    env.pop("GRIDWORK_DATABASE_URL", None)  # the embedded default: SQLite in the instance folder
    gridwork = Path(sys.executable).with_name("gridwork")
    server = subprocess.Popen(
        [str(gridwork), "demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        page = wait_for(f"http://127.0.0.1:{port}/login")
        assert "登录" in page
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        token = re.search(
            r'name="csrf-token" content="([^"]+)"', opener.open(f"http://127.0.0.1:{port}/login").read().decode()
        ).group(1)
        form = f"csrf_token={token}&username=community_admin&password=gridwork-demo".encode()
        home = opener.open(f"http://127.0.0.1:{port}/login", data=form).read().decode()
        assert "社区管理员 张敏" in home and "社区管理员 · 东湖街道 › 幸福社区" in home and "c01/s01/m01" not in home
        assert (tmp_path / "instance" / "gridwork.sqlite").exists()
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=20)
    assert "community_admin" in output and "gridwork-demo" in output


def test_the_readme_deployment_path_serves_with_gunicorn_and_imports_the_org_tree(tmp_path):
    """README "A real deployment": db upgrade → create-admin → token → gunicorn → rename the
    county and import the tree through the API → /healthz. No demo data anywhere."""
    port = free_port()
    env = {
        **os.environ,
        "GRIDWORK_INSTANCE_PATH": str(tmp_path / "instance"),
        "GRIDWORK_EVENTS_EMBEDDED_DISPATCHER": "false",
    }
    env.pop("GRIDWORK_DATABASE_URL", None)
    bin_dir = Path(sys.executable).parent

    def gridwork(*args):
        done = subprocess.run(
            [str(bin_dir / "gridwork"), *args], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    assert "core_0001" in gridwork("db", "upgrade")
    assert "c01" in gridwork("create-admin", "--username", "admin_wang", "--password", "county-admin-passphrase")
    token = gridwork("token", "create", "--user", "admin_wang", "--name", "组织导入").strip()
    server = subprocess.Popen(
        [str(bin_dir / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "core.app:create_app()"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert json.loads(wait_for(f"http://127.0.0.1:{port}/healthz")) == {"status": "ok", "database": "ok"}
        bearer = {"Authorization": f"Bearer {token}"}
        rename = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/orgs/c01",
            method="PATCH",
            data='{"name": "青山县"}'.encode(),
            headers={**bearer, "Content-Type": "application/json"},
        )
        assert "青山县" in urllib.request.urlopen(rename).read().decode()
        tree = "编号,上级编号,类型,名称\ns01,c01,街道/乡镇,东湖街道\nm01,s01,社区/村,幸福社区\ng01,m01,网格,第1网格\n"
        upload = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/orgs/import",
            data=tree.encode(),
            headers={**bearer, "Content-Type": "text/csv"},
        )
        assert json.loads(urllib.request.urlopen(upload).read()) == {"created": 3}
    finally:
        server.terminate()
        server.communicate(timeout=20)
