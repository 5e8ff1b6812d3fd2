"""Accounts: users, sessions, two-factor, password reset, and the roles memberships give."""
