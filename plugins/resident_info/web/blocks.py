"""Scenario blocks (功能块) for workbenches: small HTML, settings already validated against
the block's settings schema from the manifest, ``context`` carrying the org node
(``context["org_path"]``) and, when the builder passes it, the actor."""

from flask import render_template

from core.public import current_actor, get_session, scope_for
from plugins.resident_info.importing import services as imports
from plugins.resident_info.permissions import IMPORT, READ_HEALTH
from plugins.resident_info.register import fields, forms, queries
from plugins.resident_info.register.access import access_for
from plugins.resident_info.register.present import resident_json
from plugins.resident_info.register.validation import county_of
from plugins.resident_info.web import names
from plugins.resident_info.web.pages import org_choices


def _actor(context):
    return context.get("actor") or current_actor


def render_resident_list(settings, context):
    """Residents of the block's node (within the viewer's scope) by the saved filter, masked."""
    actor = _actor(context)
    access = access_for(actor)
    saved = {key: str(value) for key, value in (settings.get("filter") or {}).items()}
    filters = queries.filter_from_args(saved, limit=settings.get("limit", 10), org_path=context.get("org_path") or "")
    rows, total = queries.list_residents(get_session(), access, filters)
    residents = [resident_json(row, health_visible=access.health.covers(row.org_path)) for row in rows]
    return render_template("resident_info/block_list.html", residents=residents, total=total, filters=filters)


def render_registration_form(settings, context):
    """The registration form, with the optional fields the block's settings choose; it posts
    to the register's own page, which checks everything again."""
    actor = _actor(context)
    org_path = context.get("org_path") or actor.org_path
    extra_schema, county_tags = fields.county_settings(get_session(), county_of(org_path))
    optional = settings.get("optional_fields")
    health_visible = scope_for(actor, READ_HEALTH).covers(org_path)
    show_tags = optional is None or "tags" in optional
    access = access_for(actor)
    return render_template(
        "resident_info/block_form.html",
        fields=forms.render_fields(
            extra_schema,
            {"org_path": org_path, "registration": "registered", "status": "living"},
            optional_fields=optional,
            org_choices=org_choices(access, org_path),
        ),
        tags=forms.tag_choices(county_tags, [], health_visible) if show_tags else [],
        writable=access.write.covers(org_path),
    )


def render_import_panel(settings, context):
    """The upload form for the block's node (and the nodes under it the viewer may import
    into); it posts to the import page, which checks everything again."""
    actor = _actor(context)
    org_path = context.get("org_path") or actor.org_path
    db, scope = get_session(), scope_for(actor, IMPORT)
    targets = [
        (path, name)
        for path, name in imports.import_targets(db, scope)
        if path == org_path or path.startswith(org_path + "/")
    ]
    return render_template(
        "resident_info/block_import.html",
        targets=names.import_choices(db, scope, targets),
        modes=imports.MODES,
        chosen=org_path,
        mode=settings.get("default_mode", "all_or_nothing"),
    )
