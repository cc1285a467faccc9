"""The request-budget benchmark (``scripts/bench``) and its quick variant."""
