"""The smallest plugin that loads: one menu-free hook. Tests copy it to make bad manifests."""
