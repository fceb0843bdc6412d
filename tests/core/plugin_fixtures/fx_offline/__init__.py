"""A record form marked data-offline, for the lost-signal browser test."""
