"""Child process for the SIGKILL test: metered requests in a loop, its flusher counting the
spool every 100 ms, until the test kills it. argv: the app's config as JSON, a bearer header."""

import json
import sys

from core.app import create_app

config = {**json.loads(sys.argv[1]), "USAGE_FLUSHER": True, "USAGE_FLUSH_SECONDS": 0.1}
app = create_app(config)
client = app.test_client()
headers = {"Authorization": sys.argv[2]}
while True:
    client.get("/api/v1/resident_info/residents?org_path=c1/s1/m1", headers=headers)
