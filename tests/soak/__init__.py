"""The soak: the integration through a simulated day of injected faults."""
