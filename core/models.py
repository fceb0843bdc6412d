"""Import every core table model so SQLModel.metadata knows them (Alembic, tests)."""

from core.alerts.models import Alert
from core.attachments.models import Attachment
from core.audit.models import AuditEntry, AuditHead
from core.auth.models import ApiToken, LoginAttempt, User, UserSession
from core.events.models import EventDeadLetter, EventDelivery, EventProcessed, EventRecord
from core.inbox.models import Escalation, Notice, NoticeRead
from core.lifecycle.models import LifecycleExport, LifecycleStep
from core.permissions.models import CasbinRule, PolicyVersion, RolePackage
from core.plugin_system.models import PluginSetting
from core.scheduler.models import JobRun
from core.tree.models import OrgNode
from core.usage.models import (
    CountyUsageSettings,
    Rating,
    SlimmingSnapshot,
    UsageCount,
    UsageDaily,
    UsageFormField,
    UsageSpoolOffset,
    UsageUserDay,
    UsageUserWeek,
    UsageWeekly,
)

__all__ = [
    "Attachment",
    "AuditEntry",
    "AuditHead",
    "ApiToken",
    "LoginAttempt",
    "User",
    "UserSession",
    "OrgNode",
    "CasbinRule",
    "PolicyVersion",
    "RolePackage",
    "PluginSetting",
    "EventDeadLetter",
    "EventDelivery",
    "EventProcessed",
    "EventRecord",
    "JobRun",
    "Notice",
    "NoticeRead",
    "Escalation",
    "Alert",
    "LifecycleStep",
    "LifecycleExport",
    "CountyUsageSettings",
    "Rating",
    "SlimmingSnapshot",
    "UsageCount",
    "UsageDaily",
    "UsageFormField",
    "UsageSpoolOffset",
    "UsageUserDay",
    "UsageUserWeek",
    "UsageWeekly",
]
