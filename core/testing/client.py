"""The test client tests talk to Gridwork through, and ways to get one signed in."""

import re

TEST_PASSWORD = "correct-horse-battery"
_CSRF_META = re.compile(r'name="csrf-token" content="([^"]+)"')


class GridworkClient:
    """Flask's test client, sending the CSRF token the way Gridwork's pages do.

    Unsafe methods (POST, PUT, PATCH, DELETE) carry the ``X-CSRFToken`` header unless the
    request has an ``Authorization`` header (API tokens need none) or the test passes
    ``csrf=False`` to see the refusal. ``login()`` and ``logout()`` go through the real
    sign-in form.

    ``raw`` is the underlying ``flask.testing.FlaskClient`` (``app.test_client()``). Use it
    for what the wrapper does not add: ``raw.session_transaction()`` to read or edit the
    session, ``raw.get_cookie(...)`` / ``raw.set_cookie(...)``, or a request sent exactly as
    given (no CSRF header added, e.g. to replay a captured cookie).

    As a context manager (``with GridworkClient(app.test_client()) as client:``) it is
    Flask's ``with client:``: after each request the request context stays pushed, so
    ``flask.request``, ``flask.session`` and ``flask.g`` can be inspected, until the block
    ends and everything is popped and closed::

        with signed_in_client(app, user) as client:
            client.get("/api/v1/me")
            assert flask_login.current_user.username == user.username
    """

    def __init__(self, flask_client):
        self.raw = flask_client
        self._token = None

    def __enter__(self):
        self.raw.__enter__()
        return self

    def __exit__(self, *exc_info):
        return self.raw.__exit__(*exc_info)

    def csrf_token(self, refresh=False):
        if self._token is None or refresh:
            html = self.raw.get("/login").get_data(as_text=True)
            self._token = _CSRF_META.search(html).group(1)
        return self._token

    def open(self, path, method="GET", csrf=True, headers=None, **kwargs):
        headers = dict(headers or {})
        if csrf and method in ("POST", "PUT", "PATCH", "DELETE") and "Authorization" not in headers:
            headers.setdefault("X-CSRFToken", self.csrf_token())
        return self.raw.open(path, method=method, headers=headers, **kwargs)

    def get(self, path, **kwargs):
        return self.open(path, "GET", **kwargs)

    def post(self, path, **kwargs):
        return self.open(path, "POST", **kwargs)

    def put(self, path, **kwargs):
        return self.open(path, "PUT", **kwargs)

    def patch(self, path, **kwargs):
        return self.open(path, "PATCH", **kwargs)

    def delete(self, path, **kwargs):
        return self.open(path, "DELETE", **kwargs)

    def login(self, username, password=TEST_PASSWORD):
        self._token = None
        response = self.post("/login", data={"username": username, "password": password})
        self._token = None  # the session (and so the CSRF token) was replaced
        return response

    def logout(self):
        return self.post("/logout")


def signed_in_client(app, user, password=TEST_PASSWORD):
    """A new ``GridworkClient`` of ``app`` signed in as ``user`` (a ``User`` or a username);
    fails the test when the sign-in is refused."""
    username = getattr(user, "username", user)
    client = GridworkClient(app.test_client())
    response = client.login(username, password)
    assert response.status_code == 302, f"{username} could not sign in: {response.get_data(as_text=True)[:500]}"
    return client


def sign_in_page(page, live_server, username, password=TEST_PASSWORD):
    """Sign ``username`` in through the real login page of ``live_server`` in a Playwright
    ``page``; returns once the home page is shown."""
    from playwright.sync_api import expect  # only browser tests need Playwright

    page.goto(f"{live_server.url}/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/$"))
