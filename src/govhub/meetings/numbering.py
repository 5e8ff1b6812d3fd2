"""How a published agenda numbers its items: pure functions, no database.

A draft numbers its items 1, 2, 3... in order. Once published, numbers never change: an item
added at the end takes the next whole number, one added after item 6 takes "6a", then "6b".
"""

from __future__ import annotations

from govhub.meetings.tables import AgendaItem, StandardItem
from govhub.validation import FormError

__all__ = ["base_number", "next_number", "number_after", "placements"]


def base_number(number: str) -> int:
    """The whole number an item's number starts with: 6 for "6" and "6a"; 0 for none."""
    digits = ""
    for character in number or "":
        if not character.isdigit():
            break
        digits += character
    return int(digits) if digits else 0


def next_number(numbers: list[str]) -> str:
    """The number of an item added at the end of a published agenda."""
    return str(max((base_number(n) for n in numbers), default=0) + 1)


def number_after(numbers: list[str], base: int) -> str:
    """The number of an item added after item ``base`` of a published agenda: "6a", then "6b"."""
    taken = {n for n in numbers if base_number(n) == base}
    for letter in "abcdefghijklmnopqrstuvwxyz":
        if f"{base}{letter}" not in taken:
            return f"{base}{letter}"
    raise FormError({"after": f"Item {base} cannot take any more items after it"})


def placements(items: list[AgendaItem]) -> tuple[list[tuple[str, str]], str]:
    """Where an item may be added to a published agenda, as (value, label) choices, and the
    usual choice: after the item before "Any other business" if there is one, else at the end."""
    numbers = [i.number for i in items]
    choices = [("end", f"At the end, as item {next_number(numbers)}")]
    bases = sorted({base_number(n) for n in numbers if base_number(n)})
    choices += [(str(b), f"After item {b}, as item {number_after(numbers, b)}") for b in bases]
    aob = next((i for i in items if i.standard == StandardItem.aob), None)
    before_aob = [i for i in items if aob and i.position < aob.position]
    usual = str(base_number(before_aob[-1].number)) if before_aob else "end"
    return choices, usual
