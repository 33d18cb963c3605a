"""Guests and requests for a place: finding a guest, turnaways."""
