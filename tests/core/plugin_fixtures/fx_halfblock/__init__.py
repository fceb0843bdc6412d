"""Offers a block its manifest does not declare, plus a permission, a service and a subscription."""
