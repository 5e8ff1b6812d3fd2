"""Whether a meeting is quorate: a pure rule about who is in the room, no database.

The rule comes from the body's approved terms of reference (or, without them, a majority of
its current members). Members and substitutes who are present count; guests and observers
never do. A substitute counts for the organisation they stand in for, but only in place of
someone from that organisation who is away: an organisation cannot add to the quorum by
sending more people than it has seats. The terms may also ask for a minimum number from a
sector ("at least 1 from the voluntary and community sector"), kept as text like
``"voluntary:1,nhs:2"`` (:func:`parse_sector_minimums`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field

from govhub.governance.tables import Sector
from govhub.validation import whole_number

__all__ = [
    "NOT_SEATS",
    "Attendee",
    "Count",
    "QuorumResult",
    "QuorumRule",
    "assess_quorum",
    "default_rule",
    "format_sector_minimums",
    "parse_roles",
    "parse_sector_minimums",
    "sector_name",
]

PRESENT = "present"
NOT_COUNTED_ROLES = frozenset({"observer"})
# Seats that stand in for someone else rather than holding a place of their own.
NOT_SEATS = frozenset({"observer", "substitute"})


@dataclass(frozen=True)
class QuorumRule:
    members: int
    """How many counted attendees must be present."""
    min_organisations: int | None = None
    """How many distinct organisations they must come from, when set."""
    required_roles: tuple[str, ...] = ()
    """Roles any one of whom must be present (``("chair", "vice_chair")``), when set."""
    is_default: bool = False
    """True when no approved terms of reference set the rule (a majority of members)."""
    seats: int | None = None
    """For the default rule: how many current members the majority is of."""
    sector_minimums: tuple[tuple[str, int], ...] = ()
    """How many counted attendees must come from a sector (``(("voluntary", 1),)``), when set."""
    description: str = ""
    """The rule in words, as the terms of reference give it (empty for the default rule)."""


@dataclass(frozen=True)
class Attendee:
    status: str
    """``present``, ``apologies`` or ``absent``."""
    organisation: Hashable | None = None
    role: str = "member"
    is_substitute: bool = False
    is_guest: bool = False
    name: str = ""
    """Who it is, for the explanation of who counts (``QuorumResult.counts``)."""
    sector: str | None = None
    """The sector of the organisation they sit for (a :class:`Sector` value), when known."""
    organisation_name: str = ""


@dataclass(frozen=True)
class Count:
    """One attendee in the quorum's explanation: whether they count, and why (or why not)."""

    name: str
    counts: bool
    why: str
    organisation_name: str = ""


@dataclass(frozen=True)
class QuorumResult:
    met: bool
    reasons: list[str] = field(default_factory=list)
    present_count: int = 0
    organisations_count: int = 0
    counts: list[Count] = field(default_factory=list)
    """Everyone present, in the order given, with whether they count towards the quorum."""


def parse_roles(text: str | None) -> tuple[str, ...]:
    """``"chair, vice_chair"`` -> ``("chair", "vice_chair")``; blanks and repeats dropped."""
    roles: list[str] = []
    for part in (text or "").split(","):
        role = part.strip().lower().replace("-", "_").replace(" ", "_")
        if role and role not in roles:
            roles.append(role)
    return tuple(roles)


def parse_sector_minimums(text: str | None) -> tuple[tuple[str, int], ...]:
    """``"voluntary:1, nhs:2"`` -> ``(("nhs", 2), ("voluntary", 1))``, in :class:`Sector`'s order.

    Raises :class:`ValueError`, naming the part, for an unknown sector, a number that is not a
    whole number from 0 to 100, or a sector given twice. A minimum of 0 is no minimum.
    """
    found: dict[str, int] = {}
    for part in (text or "").replace(";", ",").split(","):
        if not part.strip():
            continue
        key, colon, number = part.partition(":")
        sector = key.strip().lower()
        number = number.strip()
        if not colon or sector not in Sector.__members__:
            raise ValueError(f"{part.strip()!r} is not a sector and a number, like voluntary:1")
        if whole_number(number, 0, 100) is None:
            raise ValueError(f"{part.strip()!r}: the number must be a whole number up to 100")
        if sector in found:
            raise ValueError(f"{sector!r} is given more than once")
        found[sector] = int(number)
    return tuple((s.value, found[s.value]) for s in Sector if found.get(s.value))


def format_sector_minimums(minimums: Iterable[tuple[str, int]]) -> str:
    """The stored form of sector minimums: ``"nhs:2,voluntary:1"``; zeros left out."""
    wanted = dict(minimums)
    return ",".join(f"{s.value}:{wanted[s.value]}" for s in Sector if wanted.get(s.value))


def sector_name(sector: str) -> str:
    """A sector as a sentence names it: "the voluntary and community sector", "the NHS"."""
    if sector == Sector.nhs:
        return "the NHS"
    if sector == Sector.other:
        return "other sectors"
    return f"the {Sector(sector).label.lower()} sector"


def default_rule(seats: int) -> QuorumRule:
    """Without terms of reference: more than half of the current members."""
    return QuorumRule(members=seats // 2 + 1, is_default=True, seats=seats)


def assess_quorum(rule: QuorumRule, attendees: Iterable[Attendee]) -> QuorumResult:
    """Check each part of ``rule`` and say, in plain English, how it stands."""
    attendees = list(attendees)
    counted = _counted(attendees)
    present = len(counted)
    organisations = {a.organisation for a in counted if a.organisation is not None}
    reasons: list[str] = []
    met = True

    needed = max(rule.members, 1)
    if present >= needed:
        reasons.append(f"{_members(present)} present; {needed} {_are(needed)} needed")
    else:
        met = False
        reasons.append(f"Only {_members(present)} present; {needed} {_are(needed)} needed")

    if rule.min_organisations:
        have, want = len(organisations), rule.min_organisations
        text = f"{_organisations(have)} represented; {want} {_are(want)} needed"
        if have < want:
            met = False
            text = f"Only {text}"
        reasons.append(text)

    for sector, want in rule.sector_minimums:
        have = sum(1 for a in counted if a.sector == sector)
        who = f"{have} {'member' if have == 1 else 'members'} from {sector_name(sector)}"
        text = f"{who} {_are(have)} present; {want} {_are(want)} needed"
        if have < want:
            met = False
            text = f"Only {text}"
        reasons.append(text)

    if rule.required_roles:
        here = [r for r in rule.required_roles if any(a.role == r for a in counted)]
        if here:
            reasons.append(f"{_the(here[0]).capitalize()} is present")
        else:
            met = False
            reasons.append(_none_present(rule.required_roles))

    skipped = len(_eligible(attendees)) - present
    if skipped:
        reasons.append(
            f"{skipped} substitute{'s are' if skipped > 1 else ' is'} not counted: "
            "nobody from their organisation is away"
        )
    return QuorumResult(
        met=met,
        reasons=reasons,
        present_count=present,
        organisations_count=len(organisations),
        counts=_explain(attendees, counted),
    )


def _explain(attendees: Sequence[Attendee], counted: Sequence[Attendee]) -> list[Count]:
    counting = {id(a) for a in counted}
    explained = []
    for a in attendees:
        if a.status != PRESENT:
            continue
        if id(a) in counting:
            why = (
                "stands in for a member of their organisation who is away"
                if (a.is_substitute)
                else "a member, present"
            )
        elif a.is_guest:
            why = "a guest: guests never count"
        elif a.role in NOT_COUNTED_ROLES:
            why = "an observer: observers never count"
        else:
            why = "a substitute whose organisation's members are all present"
        explained.append(Count(a.name, id(a) in counting, why, a.organisation_name))
    return explained


def _eligible(attendees: Sequence[Attendee]) -> list[Attendee]:
    return [
        a
        for a in attendees
        if a.status == PRESENT and not a.is_guest and a.role not in NOT_COUNTED_ROLES
    ]


def _counted(attendees: Sequence[Attendee]) -> list[Attendee]:
    """Present members, plus substitutes up to the number of their organisation's seats empty."""
    away = Counter(
        a.organisation
        for a in attendees
        if not a.is_guest and not a.is_substitute and a.role not in NOT_SEATS
        if a.status != PRESENT
    )
    counted = []
    for attendee in _eligible(attendees):
        if attendee.is_substitute:
            if away[attendee.organisation] <= 0:
                continue
            away[attendee.organisation] -= 1
        counted.append(attendee)
    return counted


def _are(n: int) -> str:
    return "is" if n == 1 else "are"


def _members(n: int) -> str:
    return "1 member is" if n == 1 else f"{n} members are"


def _organisations(n: int) -> str:
    return "1 organisation is" if n == 1 else f"{n} organisations are"


def _the(role: str) -> str:
    return "the " + role.replace("_", "-")


def _none_present(roles: Sequence[str]) -> str:
    names = [_the(r) for r in roles]
    if len(names) == 1:
        return f"{names[0].capitalize()} is not present"
    if len(names) == 2:
        return f"Neither {names[0]} nor {names[1]} is present"
    return f"None of {', '.join(names[:-1])} or {names[-1]} is present"
