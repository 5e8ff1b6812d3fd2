"""Outgoing mail: every message is an outbox row, sent by a job after the change commits."""
