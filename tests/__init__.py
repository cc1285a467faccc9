"""Tests for the EZVIZ Open Platform integration, client and simulator."""
