"""The twice-yearly congress: editions, programme, resident registration, places and check-in."""
