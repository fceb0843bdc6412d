"""Simplified Chinese first; English through Flask-Babel (``?lang=en`` or the browser's choice)."""
from pathlib import Path

from flask import request, session
from flask_babel import Babel

TRANSLATIONS = Path(__file__).parent / "translations"


def select_locale():
    chosen = request.args.get("lang")
    if chosen in ("zh_Hans_CN", "en"):
        session["lang"] = chosen
    return session.get("lang") or request.accept_languages.best_match(["zh_Hans_CN", "zh", "en"]) or "zh_Hans_CN"


def init_app(app):
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    Babel(app, locale_selector=lambda: _normalise(select_locale()))
    from flask_babel import get_locale

    app.jinja_env.globals["get_locale"] = get_locale


def _normalise(locale):
    return "zh_Hans_CN" if locale.startswith("zh") else locale
