"""Default role packages get the plugin permissions their manifests assign to them."""


def manifest_default_permissions(host):
    """{package name: {permission, …}} from every loaded plugin's manifest."""
    extra = {}
    for plugin in host.loaded():
        if plugin.manifest is None:
            continue
        for entry in plugin.manifest.data.get("permissions", []):
            for package in entry.get("default_packages", []):
                extra.setdefault(package, set()).add(f"{plugin.name}.{entry['name']}")
    return extra
