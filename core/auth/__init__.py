"""Accounts, sessions, API tokens, login throttling and CSRF."""
