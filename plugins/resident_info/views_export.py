"""Exports of filtered resident lists (CSV, .xlsx): routes on the plugin's API and page
blueprints. (Being written.)"""
