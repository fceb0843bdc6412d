"""Imports (CSV, .xlsx): the API under ``/api/v1/resident_info/imports`` and the pages under
``/resident_info/import``. Thin: read the upload, let ``importing.services`` check the
settings and record the job, start it in the background, answer; progress and the report
are read from the job. Routes: ``add_routes`` at the end."""

import json

from flask import flash, g, redirect, render_template, request, url_for

from core.public import (
    ApiError,
    api_route,
    csv_bytes,
    current_actor,
    file_response,
    get_session,
    require,
    scope_for,
    xlsx_bytes,
)
from plugins.resident_info.importing import held, valid_rows
from plugins.resident_info.importing import services as imports
from plugins.resident_info.importing.columns import MAX_BYTES, TEMPLATE_COLUMNS
from plugins.resident_info.importing.run import start_in_background
from plugins.resident_info.permissions import IMPORT, PLUGIN
from plugins.resident_info.register import fields
from plugins.resident_info.register.validation import PATH_PATTERN, county_of
from plugins.resident_info.web import names
from plugins.resident_info.web.current import current_import_access

TAGS = [PLUGIN]
FILE_RESPONSE = {
    "200": {
        "description": "CSV（UTF-8 带 BOM）或 Excel 文件",
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                "schema": {"type": "string", "contentMediaType": "application/octet-stream"}
            },
        },
    }
}
_FILE = {"type": "string", "format": "binary", "description": ".xlsx 或 .csv 文件（第 1 行是表头）"}
UPLOAD_FORM = {
    "type": "object",
    "required": ["file", "org_path"],
    "properties": {
        "file": _FILE,
        "org_path": {
            "type": "string",
            "maxLength": 300,
            "pattern": f"^{PATH_PATTERN.pattern}$",
            "description": "导入到哪个组织节点（管理范围内）",
        },
        "mode": {
            "enum": list(imports.MODES),
            "description": "all_or_nothing：全部正确才导入（默认）；valid_rows：只导入正确的行",
        },
        "mapping": {"type": "string", "description": '可选，JSON：{"文件中的列名": "字段"}'},
    },
}
PREVIEW_FORM = {"type": "object", "required": ["file"], "properties": {"file": _FILE}}
FORMAT_QUERY = {"type": "object", "properties": {"format": {"enum": ["csv", "xlsx"], "description": "文件格式"}}}


def _upload():
    if request.mimetype != "multipart/form-data":
        raise ApiError(415, "请以 multipart/form-data 上传文件（表单字段 file）。")
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ApiError(422, "请选择要导入的 .xlsx 或 .csv 文件。", pointer="/file")
    content = upload.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise ApiError(413, f"文件过大：一次最多上传 {MAX_BYTES // (1024 * 1024)} MB，请拆分后导入。")
    return upload.filename, content


def _mapping_from(raw):
    if not raw:
        return {}
    try:
        mapping = json.loads(raw)
    except ValueError:
        mapping = None
    if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
        raise ApiError(422, 'mapping 必须是 JSON 对象：{"文件中的列名": "字段"}。', pointer="/mapping")
    return mapping


def _start(access, form, mapping):
    filename, content = _upload()
    db = get_session()
    job = imports.create_job(
        db,
        access,
        org_path=(form.get("org_path") or "").strip(),
        mode=form.get("mode") or "all_or_nothing",
        mapping=mapping,
        filename=filename,
        content=content,
    )
    db.commit()
    start_in_background(access, job.id, content)
    return job


def _job(job_id):
    db = get_session()
    job = imports.find_job(db, scope_for(current_actor, IMPORT), job_id)
    imports.mark_if_interrupted(db, job)
    return db, job


@require(IMPORT)
def start_import():
    job = _start(current_import_access(), request.form, _mapping_from(request.form.get("mapping")))
    return imports.job_json(get_session(), job), 202, {"Location": url_for(".import_status", job_id=job.id)}


@require(IMPORT)
def preview_import():
    filename, content = _upload()
    extra_schema, _tags = fields.county_settings(get_session(), county_of(current_actor.org_path))
    return imports.preview(filename, content, extra_schema)


@require(IMPORT)
def list_imports():
    db = get_session()
    return {
        "items": [
            imports.job_json(db, job, problem_limit=0)
            for job in imports.recent_jobs(db, scope_for(current_actor, IMPORT))
        ]
    }


@require(IMPORT)
def import_status(job_id):
    db, job = _job(job_id)
    return imports.job_json(db, job)


@require(IMPORT)
def import_report(job_id):
    db, job = _job(job_id)
    fmt = _format()
    rows = imports.report_rows(db, job)
    content = (csv_bytes if fmt == "csv" else _xlsx_report)(imports.REPORT_HEADER, rows)
    return file_response(content, fmt, f"导入报告-{job.id}", f"import-report-{job.id}")


def _xlsx_report(header, rows):
    return xlsx_bytes(header, rows, title="导入报告")


@require(IMPORT)
def import_template():
    fmt = _format(default="xlsx")
    extra_schema, _tags = fields.county_settings(get_session(), county_of(current_actor.org_path))
    headers = [header for header, _field, _hint in TEMPLATE_COLUMNS]
    headers += [spec.get("title", key) for key, spec in (extra_schema or {}).get("properties", {}).items()]
    if fmt == "csv":
        return file_response(csv_bytes(headers, []), "csv", "居民导入模板", "resident-import-template")
    hints = [hint for _header, _field, hint in TEMPLATE_COLUMNS]
    content = xlsx_bytes(headers, [hints], title="居民信息", text_columns=[1, 4])
    return file_response(content, "xlsx", "居民导入模板", "resident-import-template")


def _format(default="csv"):
    fmt = (request.args.get("format") or default).strip()
    if fmt not in ("csv", "xlsx"):
        raise ApiError(422, "format 只能是 csv 或 xlsx。", pointer="/format")
    return fmt


@require(IMPORT)
def import_page():
    db = get_session()
    scope = scope_for(current_actor, IMPORT)
    jobs = [imports.job_json(db, job, 0) for job in imports.recent_jobs(db, scope, 10)]
    return render_template(
        f"{PLUGIN}/import.html",
        targets=names.import_choices(db, scope, imports.import_targets(db, scope)),
        modes=imports.MODES,
        jobs=jobs,
        people=names.display_names(db, {job["created_by"] for job in jobs}),
        held_count=len(held.held_rows(db, current_import_access())),
        error=g.pop("import_error", None),
    )


@require(IMPORT)
def import_submit():
    mapping = {key[4:]: value for key, value in request.form.items() if key.startswith("map:")}
    try:
        job = _start(current_import_access(), request.form, mapping)
    except ApiError as problem:
        get_session().rollback()
        g.import_error = problem.detail
        return import_page(), problem.status if problem.status != 404 else 422
    return redirect(url_for(".import_job_page", job_id=job.id))


@require(IMPORT)
def import_job_page(job_id):
    db, job = _job(job_id)
    return render_template(
        f"{PLUGIN}/import_job.html",
        job=imports.job_json(db, job, problem_limit=0),
        errors=[imports.problem_json(p) for p in imports.problems_of(db, job, 500, kinds=("error",))],
        set_aside=[imports.problem_json(p) for p in imports.problems_of(db, job, 500, kinds=("skipped", "held"))],
        may_retry=valid_rows.may_retry(db, job),
        status_url=url_for(f"{PLUGIN}_api.import_status", job_id=job.id),
    )


@require(IMPORT)
def import_valid_rows_page(job_id):
    db, job = _job(job_id)
    access = current_import_access()
    try:
        retry, content = valid_rows.import_valid_rows(db, access, job)
    except ApiError as problem:
        db.rollback()
        flash(problem.detail, "error")
        return redirect(url_for(".import_job_page", job_id=job.id))
    db.commit()
    start_in_background(access, retry.id, content)
    return redirect(url_for(".import_job_page", job_id=retry.id))


def add_routes(pages, api):
    """This module's routes, on the blueprints ``web.blueprints()`` builds."""
    api_route(
        api,
        "/imports",
        methods=["POST"],
        tags=TAGS,
        responses={"202": {"description": "已开始，返回导入任务"}},
        form=UPLOAD_FORM,
        summary="开始导入居民（.xlsx 或 .csv；全部正确才导入 / 只导入正确的行；同一文件重复导入不会重复登记）",
    )(start_import)
    api_route(
        api,
        "/imports/preview",
        methods=["POST"],
        tags=TAGS,
        summary="预览导入文件的列：文件的表头、建议的列对应、可选字段（不返回单元格内容）",
        form=PREVIEW_FORM,
    )(preview_import)
    api_route(api, "/imports", summary="最近的导入（管理范围内）", tags=TAGS)(list_imports)
    api_route(api, "/imports/<int:job_id>", summary="导入进度和结果（含前 100 条问题；完整报告见 report）", tags=TAGS)(
        import_status
    )
    api_route(
        api,
        "/imports/<int:job_id>/report",
        summary="下载导入报告：行号、列、问题（format=csv|xlsx）",
        tags=TAGS,
        responses=FILE_RESPONSE,
        query=FORMAT_QUERY,
    )(import_report)
    api_route(
        api,
        "/imports/template",
        summary="下载导入模板（format=xlsx|csv；含本县附加字段的列）",
        tags=TAGS,
        responses=FILE_RESPONSE,
        query=FORMAT_QUERY,
    )(import_template)
    pages.add_url_rule("/import", view_func=import_page)
    pages.add_url_rule("/import", view_func=import_submit, methods=["POST"])
    pages.add_url_rule("/import/<int:job_id>", view_func=import_job_page)
    pages.add_url_rule("/import/<int:job_id>/valid_rows", view_func=import_valid_rows_page, methods=["POST"])
