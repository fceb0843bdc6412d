"""The lifecycle API (/api/v1/modules/<plugin>/…): state and impact preview at a node, each
step, the county cut, and the exports kept before retirement."""

from core.api import api_blueprint, api_route, json_body, not_found
from core.db import get_session
from core.downloads import file_response
from core.lifecycle.actions import exports_at, history_at, may_download_exports, retirable_node, run_step
from core.lifecycle.export import exports_folder
from core.lifecycle.preview import impact
from core.lifecycle.states import lifecycle_at, live_steps
from core.permissions.access import login_required, policy_engine
from core.state import state_of
from core.timeutil import isoformat

bp = api_blueprint("core_lifecycle_api", __name__, url_prefix="/modules")
DATE = {"type": "string", "maxLength": 10, "description": "YYYY-MM-DD（北京时间当天零点）"}
STEP_BODY = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "notice": {"type": "string", "maxLength": 500, "description": "用户在模块页面上看到的提示"},
        "freeze_on": DATE,
        "retire_on": DATE,
        "confirm": {"type": "string", "maxLength": 100, "description": "清除时：输入模块名称以确认"},
    },
}


def _known(name):
    if name == "core" or state_of().host.get(name) is None:
        raise not_found()


@api_route(bp, "/<name>/lifecycle/<node_id>", summary="模块在某节点的下线状态与影响预览", tags=["lifecycle"])
@login_required
def show(name, node_id):
    db = get_session()
    node = retirable_node(db, node_id)
    _known(name)
    return lifecycle_json(db, name, node)


def lifecycle_json(db, name, node):
    here = lifecycle_at(live_steps(db, name), node.path)
    deciding = here.deciding
    return {
        "plugin": name,
        "org_path": node.path,
        "state": here.state,
        "state_title": here.title,
        "decided_at": deciding.org_path if deciding else None,
        "notice": deciding.notice if deciding else "",
        "freeze_on": isoformat(deciding.freeze_on) if deciding else None,
        "retire_on": isoformat(deciding.retire_on) if deciding else None,
        "impact": impact(db, policy_engine(), name, node.path),
        "history": [step_json(step) for step in history_at(db, name, node.path)],
        "exports": [
            {"id": e.id, "created_at": isoformat(e.created_at), "counts": e.counts}
            for e in exports_at(db, name, node.path)
        ],
    }


def step_json(step):
    return {
        "id": step.id,
        "state": step.state,
        "flagged_at": isoformat(step.flagged_at),
        "frozen_at": isoformat(step.frozen_at),
        "retired_at": isoformat(step.retired_at),
        "restored_at": isoformat(step.restored_at),
        "purged_at": isoformat(step.purged_at),
        "freeze_on": isoformat(step.freeze_on),
        "retire_on": isoformat(step.retire_on),
        "started_by": step.started_by,
    }


STEP_SUMMARIES = {
    "flag": "发出下线提示（用户在模块页面上看到提示和计划日期）",
    "freeze": "冻结（只读：可查看和导出，不能新增或修改）",
    "retire": "下线（隐藏，数据保留；先生成完整导出）",
    "restore": "恢复（这次下线之前的样子）",
    "purge": "清除已下线模块在本节点及下级的数据（县级管理员；输入模块名称确认）",
    "cut": "为全县下线：现在提示，按日期冻结、下线（由定时任务执行）",
}


def _step_view(step):
    """One route per step: each has its own summary in the OpenAPI document, and the
    cross-tenant matrix has no step variable to fill."""

    def view(name, node_id):
        db = get_session()
        node = retirable_node(db, node_id)  # scope before body: a foreign node is a 404 whatever was sent
        _known(name)
        done = run_step(db, name, node, step, json_body(STEP_BODY))
        db.commit()
        return {"lifecycle": step_json(done), **lifecycle_json(db, name, node)}

    view.__name__ = f"post_{step}"
    return view


for _step in STEP_SUMMARIES:
    api_route(
        bp,
        f"/<name>/lifecycle/<node_id>/{_step}",
        methods=["POST"],
        summary=STEP_SUMMARIES[_step],
        body=STEP_BODY,
        tags=["lifecycle"],
    )(login_required(_step_view(_step)))


def _download_view(kind):
    def view(name, node_id):
        db = get_session()
        node = retirable_node(db, node_id)
        _known(name)
        found = exports_at(db, name, node.path)
        if not found or not may_download_exports(node.path):
            raise not_found()
        export = found[0]
        content = (exports_folder() / (export.json_file if kind == "json" else export.xlsx_file)).read_bytes()
        title = state_of().host.titles().get(name, name)
        return file_response(content, kind, f"{title}-下线导出-{export.id}", f"{name}-export-{export.id}")

    view.__name__ = f"download_{kind}"
    return view


for _kind in ("json", "xlsx"):
    api_route(
        bp,
        f"/<name>/lifecycle/<node_id>/export.{_kind}",
        summary=f"下载下线前的完整导出（{_kind}，最近一份；县级管理员）",
        tags=["lifecycle"],
    )(login_required(_download_view(_kind)))
