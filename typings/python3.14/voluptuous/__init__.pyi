# What `voluptuous` is at run time under Home Assistant 2026.3 and later, for mypy.
#
# Home Assistant's own package calls probatio.compat.install_as_voluptuous() on
# import (homeassistant/__init__.py), so `import voluptuous` in an integration
# resolves to probatio's voluptuous-compatible surface, and Home Assistant types
# its flow and service helpers with probatio's classes. The real voluptuous
# package is still installed, so without this stub mypy would check the
# integration against a module it never runs with. scripts/test --latest puts
# this folder on MYPYPATH; the Python 3.13 targets (Home Assistant 2025.4.4 and
# 2026.2.3) run real voluptuous and do not use it.
from probatio import *  # noqa: F403
