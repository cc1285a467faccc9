"""The demo run (scripts/develop) end to end."""
