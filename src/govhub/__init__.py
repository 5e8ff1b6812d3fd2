"""govhub: governance and congress platform for a place-based partnership."""

import os

# Piccolo finds its engine through this module path; set it before any table is imported.
os.environ.setdefault("PICCOLO_CONF", "govhub.piccolo_conf")

__version__ = "0.1.0"
