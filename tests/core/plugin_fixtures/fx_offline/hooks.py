"""(flask.request, not `request`: pluggy inspects every module attribute, and the proxy
refuses outside a request.) A note form that keeps its records by client_key, as a plugin's record table would: a
resend with a key already stored stores nothing and answers as the first time did."""

import flask
from flask import Blueprint, redirect, render_template_string

from core.public import client_key_of, hookimpl, require

STORED = {}  # client_key → (note, photo file name); the test reads it
PAGE = """{% extends "core/base.html" %}{% block content %}
<h1>走访记录</h1><p class="saved">已保存 {{ count }} 条</p>
<form method="post" enctype="multipart/form-data" data-offline="fx_offline.note" novalidate>
  <input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
  <input type="hidden" name="client_key" value="">
  <label>情况说明 <input name="note"></label>
  <label>照片 <input type="file" name="photo" accept="image/*"></label>
  <button type="submit">保存</button>
</form>{% endblock %}"""


def _blueprint():
    bp = Blueprint("fx_offline", __name__, url_prefix="/fx_offline")

    @bp.route("/", methods=["GET", "POST"])
    @require("fx_offline.view")
    def index():
        if flask.request.method == "POST":
            key = client_key_of(flask.request.form)
            photo = flask.request.files.get("photo")
            STORED.setdefault(key, (flask.request.form.get("note", ""), photo.filename if photo else ""))
            return redirect("/fx_offline/", 303)
        return render_template_string(PAGE, count=len(STORED))

    return bp


@hookimpl
def gridwork_blueprints():
    return [_blueprint()]
