"""Calendars, whatever they hold: iCalendar building, calendar files and their cache, reminder
rows and their sweep, personal feed addresses. Meetings and congress build their own events."""
