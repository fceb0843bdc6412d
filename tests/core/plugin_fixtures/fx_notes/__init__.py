"""Owns a table of notes; nothing in the core may touch it."""
