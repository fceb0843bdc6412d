"""Usage figures plugins report about themselves ("is this module in use?")."""
from core.state import state_of


def usage_figures(app, policy, org_path):
    """{plugin: {figure: int}} from the plugins enabled at ``org_path``. A plugin whose hook
    fails reports nothing rather than breaking the page."""
    host = state_of(app).host
    enabled = {p.name for p in host.loaded() if p.name != "core" and policy.plugin_enabled(p.name, org_path)}
    figures = {}
    for name in sorted(enabled):
        try:
            results = host.call_for({name}, "gridwork_usage_figures", org_path=org_path)
        except Exception:  # one plugin's bug must not hide the others' figures
            continue
        merged = {}
        for result in results:
            merged.update({key: int(value) for key, value in (result or {}).items()})
        figures[name] = merged
    return figures
