"""A signed-in person's own page: a top area reading governance and meetings."""
