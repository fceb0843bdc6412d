"""Imports (CSV, .xlsx): routes on the plugin's API and page blueprints. (Being written.)"""
