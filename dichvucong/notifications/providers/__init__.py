"""Delivery providers, one module each; registry.py imports them (they register themselves)."""
