"""Meetings and series, terms of reference, agendas, papers, attendance, minutes and actions."""
