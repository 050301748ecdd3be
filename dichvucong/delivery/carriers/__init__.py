"""Postal carriers behind one interface (base.py), found by name in registry.py: ``demo`` works offline,
``vnpost`` speaks the national postal carrier's order API (wire format isolated in vnpost.py)."""
