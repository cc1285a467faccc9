"""The EZVIZ Open Platform integration."""
