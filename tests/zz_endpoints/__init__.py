"""Checks that read what the whole suite did; collected last."""
