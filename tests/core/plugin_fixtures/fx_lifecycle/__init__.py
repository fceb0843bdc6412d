"""Records gridwork_lifecycle_changed calls."""
