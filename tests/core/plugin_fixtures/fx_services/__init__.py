"""Offers a service other plugins call through the core."""
