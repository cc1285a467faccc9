"""Metering: what the cloud's call quota allows, and how the cadences keep to it.

- ``planner.py``: the cadences table and the pure plan that fits a budget.
- ``usage.py``: the request counter (every request, by kind, per period).
- ``allowance.py``: the one place that answers "may I send this, and how
  often": the rate-limit and quota standing, and each cadence's interval.
- ``push_health.py``: whether push delivers, so that polling may relax.
- ``governor.py``: plans again when the fleet or push health changes, and
  hands the plan to the allowance.
"""
