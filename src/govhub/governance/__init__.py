"""Organisations, people, bodies, memberships, the plan and its calls to action."""
