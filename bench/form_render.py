"""Forms from JSON Schema: read, validate and render a 20-field form, against a hand-written
Jinja form of the same fields (the floor; no macro calls).

Ours: ``read_form`` (form data → typed values), ``form_errors`` (jsonschema → Chinese
message per field) and ``render_form`` (the fields, pre-filled, errors next to them, the
summary) — the work of one form POST. Floor: the same 20 fields written out by hand in one
Jinja template (label, input, value, error each), the values converted by a hand-written
dict comprehension, the same pre-built jsonschema validator, errors keyed by the first path
part. Both run in one Flask app context on the same submissions, alternately: a valid one
and one with 3 mistakes. Figures: forms per second, medians of the rounds. Goal:
ours/floor ≥ 0.5. Timed in process CPU time (``time.process_time``).

    .venv/bin/python bench/form_render.py        # options: --forms 2000 --rounds 5
"""

import argparse
import time

from _common import REPO_ROOT, BenchFailure, emit_json, machine_line, median
from flask import Flask
from jsonschema import Draft202012Validator
from werkzeug.datastructures import MultiDict

from core.forms import form_errors, read_form, render_form

GOAL = 0.5
TEXT = [f"t{n}" for n in range(8)]
INTEGERS = [f"i{n}" for n in range(4)]
CHOICES = [f"c{n}" for n in range(4)]
DATES = [f"d{n}" for n in range(2)]
FLAGS = [f"b{n}" for n in range(2)]
OPTIONS = ["a", "b", "c", "d", "e"]
SCHEMA = {
    "type": "object",
    "required": TEXT[:4] + INTEGERS[:2],
    "properties": {
        **{name: {"type": "string", "title": f"文字{name}", "minLength": 1, "maxLength": 20} for name in TEXT},
        **{name: {"type": "integer", "title": f"整数{name}", "minimum": 0, "maximum": 150} for name in INTEGERS},
        **{name: {"enum": OPTIONS, "title": f"选项{name}"} for name in CHOICES},
        **{name: {"type": "string", "format": "date", "title": f"日期{name}"} for name in DATES},
        **{name: {"type": "boolean", "title": f"是否{name}"} for name in FLAGS},
    },
}
FLOOR_TEMPLATE = """
{% if errors %}<div class="form-summary" role="alert"><p>有 {{ errors|length }} 处需要修改</p></div>{% endif %}
{% for name in text %}<div class="form-field"><label for="f-{{ name }}">文字{{ name }}</label>
<input id="f-{{ name }}" name="{{ name }}" value="{{ values.get(name, '') }}" maxlength="20">
{%- if errors.get(name) %}<span class="form-error">{{ errors[name] }}</span>{% endif %}</div>
{% endfor %}{% for name in integers %}<div class="form-field"><label for="f-{{ name }}">整数{{ name }}</label>
<input id="f-{{ name }}" name="{{ name }}" value="{{ values.get(name, '') }}" inputmode="numeric">
{%- if errors.get(name) %}<span class="form-error">{{ errors[name] }}</span>{% endif %}</div>
{% endfor %}{% for name in choices %}<div class="form-field"><label for="f-{{ name }}">选项{{ name }}</label>
<select id="f-{{ name }}" name="{{ name }}"><option value="">请选择</option>{% for option in options %}
<option value="{{ option }}"{% if values.get(name) == option %} selected{% endif %}>{{ option }}</option>{% endfor %}
</select>
{%- if errors.get(name) %}<span class="form-error">{{ errors[name] }}</span>{% endif %}</div>
{% endfor %}{% for name in dates %}<div class="form-field"><label for="f-{{ name }}">日期{{ name }}</label>
<input id="f-{{ name }}" name="{{ name }}" type="date" value="{{ values.get(name, '') }}">
{%- if errors.get(name) %}<span class="form-error">{{ errors[name] }}</span>{% endif %}</div>
{% endfor %}{% for name in flags %}<div class="form-field"><label><input type="checkbox" name="{{ name }}" value="true"
{%- if values.get(name) %} checked{% endif %}>是否{{ name }}</label>
{%- if errors.get(name) %}<span class="form-error">{{ errors[name] }}</span>{% endif %}</div>
{% endfor %}"""


def submissions():
    good = {
        **{name: "张三丰" for name in TEXT},
        **{name: "42" for name in INTEGERS},
        **{name: "c" for name in CHOICES},
        **{name: "2026-12-03" for name in DATES},
        "b0": "true",
    }
    bad = {**good, "t0": "", "i0": "两百", "d0": "2026-13-01"}
    return [MultiDict(good), MultiDict(bad)]


def ours(form):
    values = read_form(SCHEMA, form)
    errors = form_errors(SCHEMA, values)
    return str(render_form(SCHEMA, values, errors)), errors


def floor_runner(app):
    template = app.jinja_env.from_string(FLOOR_TEMPLATE)
    validator = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)

    def floor(form):
        values = {name: form[name] for name in TEXT + CHOICES + DATES if form.get(name)}
        values.update({name: int(form[name]) if form[name].isdigit() else form[name] for name in INTEGERS})
        values.update({name: name in form for name in FLAGS})
        errors = {}
        for error in validator.iter_errors(values):
            errors.setdefault(str(error.path[0]) if error.path else error.message.split("'")[1], "有误")
        context = {"text": TEXT, "integers": INTEGERS, "choices": CHOICES, "dates": DATES, "flags": FLAGS}
        return template.render(values=values, errors=errors, options=OPTIONS, **context), errors

    return floor


def rate(run, forms, count):
    """Forms per second of this process's CPU time: other sessions on the same two cores
    stretch wall-clock time by whole scheduling slices, CPU time much less."""
    started = time.process_time()
    for number in range(count):
        run(forms[number % 2])
    return count / (time.process_time() - started)


def check(ours_result, floor_result):
    (html, errors), (_floor_html, floor_errors) = ours_result, floor_result
    if set(errors) != set(floor_errors) or set(errors) != {"t0", "i0", "d0"}:
        raise BenchFailure(f"the two forms disagree on the mistakes: {sorted(errors)} vs {sorted(floor_errors)}")
    if 'value="两百"' not in html or "form-error" not in html:
        raise BenchFailure("the re-rendered form lost what was typed or its errors")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forms", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(machine_line())
    app = Flask(__name__, template_folder=str(REPO_ROOT / "core" / "ui" / "templates"))
    forms = submissions()
    with app.app_context():
        floor = floor_runner(app)
        check(ours(forms[1]), floor(forms[1]))
        rate(ours, forms, 200), rate(floor, forms, 200)  # warm-up: templates compiled, caches filled
        floors, ourses = [], []
        for round_number in range(args.rounds):
            floors.append(rate(floor, forms, args.forms))
            ourses.append(rate(ours, forms, args.forms))
            print(f"  round {round_number + 1}: floor {floors[-1]:,.0f} forms/s, ours {ourses[-1]:,.0f} forms/s")
    floor_rate, ours_rate = median(floors), median(ourses)
    ratio = ours_rate / floor_rate
    print(f"floor (hand-written Jinja form): {floor_rate:,.0f} forms/s ({1e6 / floor_rate:,.0f} µs each)")
    print(f"ours (read_form + form_errors + render_form): {ours_rate:,.0f} forms/s ({1e6 / ours_rate:,.0f} µs each)")
    print(f"ours/floor = {ratio:.2f} (goal ≥ {GOAL}: {'met' if ratio >= GOAL else 'NOT met'})")
    emit_json("form_render", fields=20, floor_per_s=round(floor_rate), ours_per_s=round(ours_rate),
              ratio=round(ratio, 3), goal=GOAL)  # fmt: skip


if __name__ == "__main__":
    main()
