"""The coordinators: one per cadence, each in its own module.

``base.py`` maps the client's errors to outcomes for all of them; the
account (``account.py``), detail (``detail.py``) and alarm (``alarms.py``)
cadences, and the capability store (``capabilities.py``), build on it.

The cloud meters every call per application (10007 daily quota, 10029
frequency limit), so what is read, and how often, is chosen by what it costs.
The intervals below are the defaults (``metering/planner.py``,
``CADENCES``); the budget governor (``metering/governor.py``) plans each
cadence's interval, and the camera list's maximum age, to fit the request
budget, and each cadence polls at what the allowance gives it
(``metering/allowance.py``).

Account cadence (``account.AccountCoordinator``, default every 60 s)
    ``device/list``: one request per 50 devices. It carries online state,
    arming (``defence``), names, encryption and firmware versions for the
    whole account, so online state and arming are fresh within a minute.
    ``camera/list`` (channels, NVR channel state, cover pictures) changes
    rarely: it is read only when the device list shows a change (a device
    added, removed, renamed, re-encrypted or upgraded) and otherwise once an
    hour (``camera_list_max_age``), one request per 50 channels.

Capabilities (``capabilities.CapabilityStore``)
    ``device/capacity``, one request per device, only for a device seen for
    the first time or whose firmware version changed. Right after it, a
    feature the reference's capability table names no flag for is decided
    by its endpoint (a probe, ``PROBE_APPLIES``): the fill light
    (``fillLight/mode/get``), voice prompts (``sound/switch/status``) and
    the working mode (``timing/plan/get``), one request each per
    single-channel camera (not hubs, not recorders), made when the device
    is online. Both are kept in Home Assistant's storage, so a restart
    costs nothing here; a probe that fails (offline, rate limit, server
    error) is asked again 10 minutes later, not remembered.

Detail cadence (``detail.DetailCoordinator``, default every 60 min)
    Per online device, only the endpoints that some *enabled* entity of that
    device reads (entities register what they need when added). One request
    per device and endpoint; ``device/status/get`` alone serves privacy,
    alarm sound, battery, storage and cloud storage. Offline devices are
    skipped. After a command only the endpoint that command touched is read
    again, for that device alone. ``device/version/info`` (the latest
    firmware) is read at most once a day per device, and again when the
    device list shows a new installed version (``TOPIC_VERSION``). An A1
    hub's ``detector/list`` is one of these endpoints, registered for every
    hub (``detectors.py``) so that new detectors are found: one per hub.
    Each endpoint is a topic, declared once in ``topics.py`` with its reader,
    its type and how often it may be read.

Firmware upgrades
    Only while an upgrade started from Home Assistant runs:
    ``device/upgrade/status`` every 30 s, for 30 minutes at most.

Requests per day at default options, for ``n`` devices (``c`` channels) of
which each has ``k`` detail endpoints in use by default-enabled entities
(``k`` is 0-4 for the demo mix: status, microphone, infrared and fill light
for a PTZ camera; status and the detector list for an A1 hub), and ``u``
that can be upgraded::

    account   1440 * ceil(n / 50)            device/list every 60 s
    cameras     24 * ceil(c / 50)            hourly (plus one per change)
    detail      24 * n * k                   hourly
    versions     u                            daily
    token        1 / 7                        a token lives 7 days

    demo fleet (7 devices, 15 detail endpoints, 6 online upgradable):
        1440 + 24 + 360 + 6 = 1,830 per day
    10 devices, k = 4:  1440 + 24 + 960 + 10 = 2,434 per day (< 3,000)
    each further device: 24 * k + 1 <= 97 per day (< 250)

A frequency refusal (10029) keeps the last data, stretches every cadence
from 5 minutes up to an hour, logs once and raises a repair issue until a
call succeeds again. A used-up quota (10007) stops every request until the
budget period ends but for an hourly check (``metering/allowance.py``), and
once the period's polling allowance is spent only the device list is polled, at
its floor (``metering/usage.py``).
"""
