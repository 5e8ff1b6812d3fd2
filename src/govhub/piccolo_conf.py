"""Piccolo's configuration module (``PICCOLO_CONF=govhub.piccolo_conf``)."""

from piccolo.conf.apps import AppRegistry

from govhub.db import make_engine
from govhub.settings import get_settings

DB = make_engine(get_settings().resolved_database_url)

APP_REGISTRY = AppRegistry(apps=["govhub.piccolo_app"])
