"""Who may publish where: only to real nodes inside the publisher's own scope, and only to
role packages that exist."""

from core.public import ApiError, org_node_at, package_titles, scope_for
from scenario_builder.permissions import MANAGE


def check_targets(db, actor, document):
    scope, known, errors = scope_for(actor, MANAGE), package_titles(db), []
    if not document["published_to"]:
        errors.append({"pointer": "/published_to", "detail": "请至少选择一个发布到的组织"})
    for index, target in enumerate(document["published_to"]):
        if org_node_at(db, target["org_path"]) is None or not scope.covers(target["org_path"]):
            errors.append(
                {"pointer": f"/published_to/{index}/org_path", "detail": f"第 {index + 1} 个发布组织不在您的管理范围内"}
            )
    if not document["packages"]:
        errors.append({"pointer": "/packages", "detail": "请至少选择一个能看到该场景的角色包"})
    for index, package in enumerate(document["packages"]):
        if package not in known:
            errors.append({"pointer": f"/packages/{index}", "detail": f"第 {index + 1} 个角色包不存在"})
    if errors:
        raise ApiError(422, errors[0]["detail"], pointer=errors[0]["pointer"], errors=errors)
