"""Simplified Chinese first; English through Flask-Babel when the user picks it (``?lang=en``)."""

from pathlib import Path

from flask import has_request_context, request, session
from flask_babel import Babel, get_locale

TRANSLATIONS = Path(__file__).parent / "translations"


def select_locale():
    if not has_request_context():  # CLI, workers, scripts: messages in Chinese
        return "zh_Hans_CN"
    chosen = request.args.get("lang")
    if chosen in ("zh_Hans_CN", "en"):
        session["lang"] = chosen
    # Chinese first: English only when the user picks it, whatever the browser's default.
    return session.get("lang") or "zh_Hans_CN"


def init_app(app):
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    Babel(app, locale_selector=lambda: _normalise(select_locale()))

    app.jinja_env.globals["get_locale"] = get_locale


def _normalise(locale):
    return "zh_Hans_CN" if locale.startswith("zh") else locale
