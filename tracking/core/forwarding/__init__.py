"""What leaves Lantern: outbox events, signed webhook bodies, GA4 payloads, retry timing.

Pure: the sender (tracking.forwarding) and storage only move what these
functions decide.
"""
