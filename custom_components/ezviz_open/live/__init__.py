"""Live video: a loopback relay that keeps a camera's stream going.

- ``relay.py``: one camera's never-ending stream (``LiveRelay``): asks the
  cloud for addresses and splices its sessions into one FLV stream.
- ``address.py``: how long a play address is good for, and when to renew it.
- ``upstream.py``: reading the cloud's stream (FLV copied, HLS and RTMP
  remuxed by PyAV), refusals told apart from failures.
- ``server.py``: the loopback HTTP server Home Assistant's stream worker
  reads from, one per Home Assistant.
- ``flv.py``: the FLV container (and H.265 in EZVIZ's codec id 12 rewritten
  into enhanced FLV).
"""
