"""Which row the demo made for each of its stable keys ("body:community-safety-partnership").

``seed-demo`` finds its rows here, not by a name or slug an admin may change.
"""

from __future__ import annotations

from piccolo.columns import Integer, Varchar
from piccolo.table import Table

__all__ = ["DemoRecord"]


class DemoRecord(Table):
    key = Varchar(length=200, required=True, unique=True)
    table_name = Varchar(length=60, required=True)
    row_id = Integer(required=True)
