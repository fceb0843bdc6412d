"""The README's first command really serves the demo: start ``gridwork demo`` as a user
would, fetch the login page, sign in with a demo account."""
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
    server = subprocess.Popen([str(gridwork), "demo", "--port", str(port)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        page = wait_for(f"http://127.0.0.1:{port}/login")
        assert "登录" in page
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        token = re.search(r'name="csrf-token" content="([^"]+)"', opener.open(f"http://127.0.0.1:{port}/login").read().decode()).group(1)
        form = f"csrf_token={token}&username=community_admin&password=gridwork-demo".encode()
        home = opener.open(f"http://127.0.0.1:{port}/login", data=form).read().decode()
        assert "社区管理员 张敏" in home and "c01/s01/m01" in home
        assert (tmp_path / "instance" / "gridwork.sqlite").exists()
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=20)
    assert "community_admin" in output and "gridwork-demo" in output
