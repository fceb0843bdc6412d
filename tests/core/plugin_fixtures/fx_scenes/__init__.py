"""Offers scenario blocks with events, an action, a settings migration and one that fails."""
