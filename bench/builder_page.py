"""The scenario builder page ready in headless Chromium, against a static page of the same size.

Ours: ``GET /scenarios/<id>/edit`` on the real ``create_app`` (SQLite), signed in as the demo
``community_admin``, with a palette of 50 blocks (a bench plugin written to a temp folder)
and 30 of them on the canvas: the HTML, its CSS and scripts (SortableJS, builder.js), the
canvas drawn by the script and every list made sortable. "Ready" is builder.js's
``performance.mark('builder-ready')`` (from the navigation's start), checked to hold 30 blocks.
Floor: the same page's finished DOM saved as a static file (scripts removed, the same
stylesheets and SortableJS alongside), served by ``http.server``; "ready" is its ``load``.
Both are loaded alternately ``--rounds`` times in one browser, each in a fresh context (no
cache); medians are reported. Goals: ours ≤ 1 s, floor/ours ≥ 0.5.

    .venv/bin/python bench/builder_page.py        # options: --rounds 9
"""

import argparse
import functools
import json
import logging
import re
import shutil
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from _common import PASSWORD, REPO_ROOT, BenchFailure, app_config, emit_json, machine_line, median
from werkzeug.serving import make_server

GOAL_SECONDS, GOAL_RATIO = 1.0, 0.5
PALETTE, CANVAS = 50, 30
CHROMIUM = "/usr/bin/chromium"
COMMUNITY = "c01/s01/m01"
STATIC = REPO_ROOT / "scenario_builder" / "static"
HOOKS = """
from markupsafe import escape
from core.public import BlockType, hookimpl

def render(settings, context):
    return f"<p>{escape(settings.get('heading', '功能块'))}：{settings.get('days', 1)} 天</p>"

@hookimpl
def gridwork_blocks():
    return [BlockType("bench_blocks", f"b{n}", render, None) for n in range(%d)]
"""


def write_bench_plugin(folder):
    """A plugin with PALETTE blocks, each with a two-field settings form."""
    package = folder / "bench_blocks"
    package.mkdir()
    schema = {
        "type": "object",
        "properties": {
            "days": {"type": "integer", "minimum": 1, "maximum": 30, "title": "天数"},
            "heading": {"type": "string", "maxLength": 20, "title": "标题"},
        },
    }
    blocks = [{"name": f"b{n}", "title": {"zh": f"功能块{n:02d}"}, "settings_schema": schema} for n in range(PALETTE)]
    manifest = {
        "name": "bench_blocks",
        "version": "1.0.0",
        "title": {"zh": "测速功能块"},
        "description": {"zh": "测速用：五十个功能块"},
        "core": ">=0.1,<1",
        "permissions": [],
        "blocks": blocks,
    }
    (package / "__init__.py").write_text("")
    (package / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    (package / "hooks.py").write_text(HOOKS % PALETTE, encoding="utf-8")


def prepare_app(folder):
    from core.app import create_app
    from core.db import session_scope
    from core.demo import DEMO_COUNTY, enable_plugins, seed_demo
    from core.plugin_system.migrations import upgrade_all
    from core.state import state_of
    from core.testing.client import GridworkClient

    write_bench_plugin(folder)
    sys.path.insert(0, str(folder))
    app = create_app({**app_config(folder), "EXTRA_PLUGINS": ["bench_blocks=bench_blocks.hooks"]})
    loaded = state_of(app).host.get("bench_blocks")
    if loaded is None or loaded.error:
        raise BenchFailure(f"the bench plugin did not load: {loaded and loaded.error}")
    upgrade_all(app)
    with app.app_context(), session_scope(app) as db:
        seed_demo(db, PASSWORD)
        enable_plugins(db, state_of(app).host, DEMO_COUNTY)
    client = GridworkClient(app.test_client())
    client.login("community_admin", PASSWORD)
    blocks = [{"plugin": "bench_blocks", "block": f"b{n % PALETTE}", "settings": {"days": 3}} for n in range(CANVAS)]
    document = {"title": "测速场景", "blocks": blocks}
    response = client.post("/api/v1/scenarios", json={"org_path": COMMUNITY, "document": document})
    if response.status_code != 201:
        raise BenchFailure(f"creating the scenario answered {response.status_code}: {response.get_data(as_text=True)}")
    return app, response.get_json()["id"]


def serve(app):
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request in the figures
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve_static(folder):
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def write_floor(page_html, folder, base_url):
    """The finished builder DOM as a static page with the same stylesheets and SortableJS."""
    folder.mkdir()
    html = re.sub(r"<script\b[^>]*>.*?</script>", "", page_html, flags=re.S)
    html = html.replace("</body>", '<script src="Sortable.min.js"></script></body>')
    for href in re.findall(r'href="(/[^"]+\.css)"', html):
        name = Path(href).name
        (folder / name).write_bytes(fetch_bytes(base_url + href))
        html = html.replace(f'href="{href}"', f'href="{name}"')
    shutil.copy(STATIC / "vendor" / "sortablejs" / "Sortable.min.js", folder)
    (folder / "floor.html").write_text(html, encoding="utf-8")
    return len(html.encode())


def fetch_bytes(url):
    from urllib.request import urlopen

    with urlopen(url) as response:
        return response.read()


def sign_in(context, base_url):
    page = context.new_page()
    page.goto(f"{base_url}/login")
    page.get_by_label("用户名").fill("community_admin")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/$"))
    return context.storage_state()


def time_ours(browser, state, url):
    context = browser.new_context(storage_state=state, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(url, wait_until="commit")
    page.wait_for_function("performance.getEntriesByName('builder-ready').length > 0")
    if page.locator("#canvas .canvas-item").count() != CANVAS:
        raise BenchFailure("the canvas does not show every placed block")
    elapsed = page.evaluate("performance.getEntriesByName('builder-ready')[0].startTime") / 1000
    if page.locator('.palette-item[data-key^="bench_blocks."]').count() != PALETTE:
        raise BenchFailure("the palette does not show every block")
    context.close()
    return elapsed


def time_floor(browser, url):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(url, wait_until="load")
    elapsed = page.evaluate("performance.timing.loadEventStart - performance.timing.navigationStart") / 1000
    context.close()
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    rounds = parser.parse_args().rounds
    from playwright.sync_api import sync_playwright

    print(machine_line())
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory)
        app, scenario_id = prepare_app(folder)
        server, base_url = serve(app)
        static_server = None
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
                state = sign_in(browser.new_context(), base_url)
                edit_url = f"{base_url}/scenarios/{scenario_id}/edit"
                time_ours(browser, state, edit_url)  # warm-up (templates compiled, caches filled)
                context = browser.new_context(storage_state=state)
                page = context.new_page()
                page.goto(edit_url)
                page.wait_for_function(f"document.querySelectorAll('#canvas .canvas-item').length === {CANVAS}")
                size = write_floor(page.content(), folder / "floor", base_url)
                context.close()
                static_server, static_url = serve_static(folder / "floor")
                time_floor(browser, f"{static_url}/floor.html")
                ours, floor = [], []
                for _round in range(rounds):
                    floor.append(time_floor(browser, f"{static_url}/floor.html"))
                    ours.append(time_ours(browser, state, edit_url))
                browser.close()
        finally:
            server.shutdown()
            if static_server:
                static_server.shutdown()
    ours_s, floor_s = median(ours), median(floor)
    ratio = floor_s / ours_s
    print(f"page: {PALETTE} bench blocks (and the demo plugins' own) in the palette, {CANVAS} on the canvas,")
    print(f"      {size / 1024:.0f} KiB of HTML once drawn")
    print(f"ours  (builder ready): median {ours_s * 1000:.0f} ms over {rounds} rounds")
    print(f"floor (static page):   median {floor_s * 1000:.0f} ms")
    verdict = "meets" if ours_s <= GOAL_SECONDS and ratio >= GOAL_RATIO else "misses"
    print(f"floor/ours = {ratio:.2f} (goal ≥ {GOAL_RATIO}, ours ≤ {GOAL_SECONDS:.0f} s): {verdict} the goal")
    emit_json("builder_page", ours_ms=round(ours_s * 1000), floor_ms=round(floor_s * 1000), ratio=round(ratio, 2))


if __name__ == "__main__":
    try:
        main()
    except BenchFailure as failure:
        print(f"BENCH FAILED: {failure}")
        sys.exit(1)
