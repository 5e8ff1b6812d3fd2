"""Governance tables: who sits on which body, for whom, in which role and term."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

__all__ = [
    "Body",
    "BodyCallToAction",
    "BodyKind",
    "CallToAction",
    "Membership",
    "Organisation",
    "Person",
    "Plan",
    "Role",
    "Sector",
]


class Sector(StrEnum):
    nhs = "nhs"
    council = "council"
    police = "police"
    fire = "fire"
    education = "education"
    business = "business"
    voluntary = "voluntary"
    faith = "faith"
    housing = "housing"
    other = "other"

    @property
    def label(self) -> str:
        return _SECTOR_LABELS[self]


_SECTOR_LABELS = {
    Sector.nhs: "NHS",
    Sector.council: "Council",
    Sector.police: "Police",
    Sector.fire: "Fire and rescue",
    Sector.education: "Education",
    Sector.business: "Business",
    Sector.voluntary: "Voluntary and community",
    Sector.faith: "Faith",
    Sector.housing: "Housing",
    Sector.other: "Other",
}


class BodyKind(StrEnum):
    executive_group = "executive_group"
    thematic_board = "thematic_board"
    partnership_board = "partnership_board"
    other = "other"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Role(StrEnum):
    """Roles in the order a members list shows them."""

    chair = "chair"
    vice_chair = "vice_chair"
    secretary = "secretary"
    member = "member"
    substitute = "substitute"
    observer = "observer"

    @property
    def label(self) -> str:
        return self.value.replace("_", "-").capitalize()

    @property
    def rank(self) -> int:
        return list(Role).index(self)


class Organisation(Table):
    name = Varchar(length=200, required=True)
    short_name = Varchar(length=60, default="")
    slug = Varchar(length=100, required=True)
    sector = Varchar(length=20, choices=Sector, default=Sector.other)
    website = Varchar(length=300, default="")


class Person(Table):
    name = Varchar(length=200, required=True)
    email = Varchar(length=254, required=True)
    phone = Varchar(length=40, null=True, default=None)


class Body(Table):
    name = Varchar(length=200, required=True)
    short_name = Varchar(length=60, default="")
    slug = Varchar(length=100, required=True)
    kind = Varchar(length=20, choices=BodyKind, default=BodyKind.other)
    reports_to = ForeignKey("self", null=True, default=None, on_delete=OnDelete.set_null)
    purpose = Text(default="")
    is_public = Boolean(default=True)
    # Members are reminded this many days before each meeting (comma-separated, e.g. "7,1").
    reminder_days = Varchar(length=40, default="7,1")
    # The agenda should be published this many days before a meeting; the secretary is
    # reminded two days before that deadline.
    agenda_notice_days = Integer(default=5)


class Membership(Table):
    """A person sitting on a body; an ended membership stays as history."""

    person = ForeignKey(Person, null=False, required=True, on_delete=OnDelete.restrict)
    body = ForeignKey(Body, null=False, required=True, index=True, on_delete=OnDelete.restrict)
    organisation = ForeignKey(
        Organisation, null=True, default=None, index=True, on_delete=OnDelete.restrict
    )
    role = Varchar(length=20, choices=Role, default=Role.member)
    start_date = Date(required=True)
    end_date = Date(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class Plan(Table):
    name = Varchar(length=200, required=True)
    slug = Varchar(length=100, required=True)
    start_year = Integer(required=True)
    end_year = Integer(required=True)
    vision = Text(default="")


class CallToAction(Table):
    plan = ForeignKey(Plan, null=False, required=True, on_delete=OnDelete.cascade)
    number = Integer(required=True)
    title = Varchar(length=300, required=True)
    description = Text(default="")


class BodyCallToAction(Table):
    """Which calls to action a body works towards."""

    body = ForeignKey(Body, null=False, required=True, index=True, on_delete=OnDelete.cascade)
    call_to_action = ForeignKey(CallToAction, null=False, required=True, on_delete=OnDelete.cascade)
