"""Reports usage figures."""
