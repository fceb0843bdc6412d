"""Offers one scenario block."""
