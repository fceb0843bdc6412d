"""Plugins: manifests, the pluggy manager, per-node enablement."""
