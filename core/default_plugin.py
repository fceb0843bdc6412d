"""The core is its own first plugin: its pages, permissions, menu and commands come through
the same hooks third-party plugins use (Datasette's ``default_*`` modules)."""

from core.alerts.events import ALERT_EVENT_TYPES
from core.alerts.service import expire_alerts
from core.blueprints import core_blueprints
from core.commands import core_commands
from core.hookspecs import hookimpl
from core.inbox.escalations import fire_due
from core.lifecycle.events import LIFECYCLE_EVENT_TYPES
from core.lifecycle.schedule import run_planned_steps
from core.permissions.catalogue import CORE_PERMISSIONS
from core.plugin_system.enablement import CORE_EVENT_TYPES
from core.samples import core_sample_records
from core.scheduler.jobs import ScheduledJob
from core.scheduler.schedules import Daily, Every, Quarterly
from core.ui.nav import CORE_NAV
from core.usage.jobs import roll_up_usage, snapshot_slimming_lists


@hookimpl
def gridwork_blueprints():
    return core_blueprints()


@hookimpl
def gridwork_permissions():
    return list(CORE_PERMISSIONS)


@hookimpl
def gridwork_nav_entries():
    return list(CORE_NAV)


@hookimpl
def gridwork_cli_commands():
    return core_commands()


@hookimpl
def gridwork_event_types():
    return list(CORE_EVENT_TYPES) + list(ALERT_EVENT_TYPES) + list(LIFECYCLE_EVENT_TYPES)


@hookimpl
def gridwork_scheduled_jobs():
    return [
        ScheduledJob("core.escalations", "升级提醒：到期仍未办结的事项通知上级", Every(1), _fire_escalations),
        ScheduledJob("core.alert_expiry", "预警到期：通知各功能模块预警已结束", Every(5), _expire_alerts),
        ScheduledJob("core.lifecycle_steps", "模块下线：到期冻结或下线", Every(5), _planned_lifecycle_steps),
        ScheduledJob("core.usage_rollup", "使用统计：汇总前几天的使用量（按日、按周）", Daily("02:30"), roll_up_usage),
        ScheduledJob(
            "core.slimming_snapshot", "系统瘦身清单：保存上一季度的快照", Quarterly("04:00"), snapshot_slimming_lists
        ),
    ]


def _fire_escalations(context):
    return fire_due(context.session, context.now)


def _planned_lifecycle_steps(context):
    return run_planned_steps(context.session, context.now)


def _expire_alerts(context):
    return expire_alerts(context.session, context.now)


@hookimpl
def gridwork_sample_records(session, org_path, marker):
    return core_sample_records(session, org_path, marker)
