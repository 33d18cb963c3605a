"""Widgets the board's screens are built from."""
