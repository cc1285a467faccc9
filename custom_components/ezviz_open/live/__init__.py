"""Live video: the relay that keeps a camera's stream going, and FLV.

``relay.py`` serves Home Assistant's stream worker one endless FLV stream
per camera view, asking the cloud for a new address before the current one
expires and splicing the sessions together; ``flv.py`` reads and writes the
FLV container (and rewrites H.265 in EZVIZ's codec id 12 to enhanced FLV).
"""
