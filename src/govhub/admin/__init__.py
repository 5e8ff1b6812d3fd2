"""The partnership admin's work: organisations, people, bodies and memberships.

A top area: each change here is validated, audited, replans invitations and queues mail,
so it stands above governance, accounts, audit, calendar and meetings.
"""
