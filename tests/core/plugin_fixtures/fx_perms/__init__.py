"""One permission in the manifest, one from the hook."""
