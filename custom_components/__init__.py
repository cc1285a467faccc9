"""Custom components namespace (kept so tests import this package first)."""
