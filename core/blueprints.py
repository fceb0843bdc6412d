"""The core's own blueprints, in one list. (Plugins will contribute theirs through hooks.)"""

from core.api.meta import bp as meta_api
from core.attachments.views import bp as attachments
from core.events.views import bp as events_pages
from core.lifecycle.api import bp as lifecycle_api
from core.lifecycle.views import bp as lifecycle_pages
from core.orgs.api import bp as orgs_api
from core.orgs.views import bp as orgs_pages
from core.permissions.api import bp as permissions_api
from core.plugin_system.api import bp as plugins_api
from core.plugin_system.views import bp as plugins_pages
from core.scheduler.views import bp as jobs_pages
from core.ui.vendor import bp as vendor_assets
from core.ui.views import bp as ui_pages
from core.usage.api import bp as usage_api
from core.usage.views import bp as usage_pages
from core.users.api import bp as users_api
from core.users.views import bp as users_pages
from core.web.alerts import bp as alerts
from core.web.audit import bp as audit
from core.web.auth_api import bp as auth_api
from core.web.auth_pages import bp as auth_pages
from core.web.inbox import bp as inbox
from core.web.permission_pages import bp as permissions_pages


def core_blueprints():
    return [
        meta_api,
        auth_api,
        auth_pages,
        ui_pages,
        vendor_assets,
        orgs_api,
        orgs_pages,
        users_api,
        users_pages,
        permissions_api,
        permissions_pages,
        audit,
        plugins_api,
        plugins_pages,
        lifecycle_api,
        lifecycle_pages,
        events_pages,
        jobs_pages,
        inbox,
        alerts,
        attachments,
        usage_pages,
        usage_api,
    ]
