"""What congress routes need, loaded before the handler runs: 404 when absent or not allowed.

- ``edition``: the edition at the route's ``{slug}`` (:data:`EDITION`); the same, only for
  someone who may organise it (:data:`ORGANISED_EDITION`) or work its check-in desk
  (:data:`DESK_EDITION`). Who may do which is said once, in :mod:`govhub.congress.organiser`.
- ``bodies``: the bodies this person may organise a new congress for (:data:`NEW_CONGRESS`).
- ``programme_session``: the ``{session_id}`` in that edition's programme (:data:`SESSION`).
- ``registration``: the one the secret manage link's ``{token}`` opens, and ``edition`` its
  edition (:data:`REGISTRATION`); on the routes that change it, only while the registrant may
  still change it (:data:`CHANGEABLE_REGISTRATION`), and not cancelled
  (:data:`LIVE_REGISTRATION`). Too late is :class:`registrations.ChangesClosed` (409, with
  the reason); the services check it again under the places lock.
"""

from __future__ import annotations

from litestar import Request
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath

from govhub.congress import editions, organiser, registrations
from govhub.congress.programme_planning import session_in_programme
from govhub.congress.tables import CongressSession, Edition, Registration, RegistrationStatus
from govhub.errors import NotFound
from govhub.web.guards import Me

__all__ = [
    "CHANGEABLE_REGISTRATION",
    "DESK_EDITION",
    "EDITION",
    "LIVE_REGISTRATION",
    "NEW_CONGRESS",
    "ORGANISED_EDITION",
    "REGISTRATION",
    "SESSION",
    "BodiesToOrganise",
    "DeskEdition",
    "LinkedRegistration",
    "OrganisedEdition",
    "ProgrammeSession",
    "RegistrationEdition",
    "ShownEdition",
    "provide_changeable_registration",
    "provide_desk_edition",
    "provide_edition",
    "provide_live_registration",
    "provide_organised_edition",
    "provide_programme_session",
    "provide_registration",
]


ShownEdition = NamedDependency[Edition]
"""``edition: ShownEdition``, with ``dependencies=EDITION``."""

OrganisedEdition = NamedDependency[Edition]
"""``edition: OrganisedEdition``, with ``dependencies=ORGANISED_EDITION`` (or ``SESSION``)."""

DeskEdition = NamedDependency[Edition]
"""``edition: DeskEdition``, with ``dependencies=DESK_EDITION``."""

BodiesToOrganise = NamedDependency[list[tuple[str, str]]]
"""``bodies: BodiesToOrganise``, with ``dependencies=NEW_CONGRESS``."""

ProgrammeSession = NamedDependency[CongressSession]
"""``programme_session: ProgrammeSession``, with ``dependencies=SESSION``."""

LinkedRegistration = NamedDependency[Registration]
"""``registration: LinkedRegistration``, with ``dependencies=REGISTRATION`` (or
``LIVE_REGISTRATION``)."""

RegistrationEdition = NamedDependency[Edition]
"""``edition: RegistrationEdition``, the linked registration's edition (same dependencies)."""


async def provide_edition(slug: FromPath[str]) -> Edition:
    """The edition at ``{slug}``."""
    edition = await editions.edition_by_slug(slug)
    if edition is None:
        raise NotFound()
    return edition


async def provide_organised_edition(slug: FromPath[str], principal: Me) -> Edition:
    """The edition at ``{slug}``, for someone who may organise it; "not found" for anyone else."""
    edition = await provide_edition(slug)
    if not organiser.can_organise(principal, edition):
        raise NotFound()
    return edition


async def provide_desk_edition(slug: FromPath[str], principal: Me) -> Edition:
    """The edition at ``{slug}``, for someone who may work its check-in desk."""
    edition = await provide_edition(slug)
    if not organiser.can_check_in(principal, edition):
        raise NotFound()
    return edition


async def provide_bodies_to_organise(principal: Me) -> list[tuple[str, str]]:
    """The bodies this person may organise a new congress for; "not found" when there are none."""
    bodies = await organiser.bodies_to_organise(principal)
    if not bodies:
        raise NotFound()
    return bodies


async def provide_programme_session(
    edition: OrganisedEdition, session_id: FromPath[int]
) -> CongressSession:
    """The session ``{session_id}`` of the route's edition (which is loaded first)."""
    session = await session_in_programme(edition, session_id)
    if session is None:
        raise NotFound()
    return session


async def provide_registration(request: Request, token: FromPath[str]) -> Registration:
    """The registration the manage link's ``{token}`` opens. The link is the only key, so its
    pages are never stored, and a wrong, spent or erased one is "not found"."""
    request.scope.setdefault("state", {})["no_store"] = True
    registration = await registrations.registration_by_token(token)
    if registration is None or registration.erased_at is not None:
        raise NotFound()
    return registration


async def provide_changeable_registration(request: Request, token: FromPath[str]) -> Registration:
    """As :func:`provide_registration`, while its registrant may still change or cancel it:
    :class:`registrations.ChangesClosed` once registration has closed or the congress is over."""
    registration = await provide_registration(request, token)
    state = editions.changes_open(await editions.edition_of(registration))
    if state != "open":
        raise registrations.ChangesClosed(state)
    return registration


async def provide_live_registration(request: Request, token: FromPath[str]) -> Registration:
    """As :func:`provide_changeable_registration`, but not a cancelled one."""
    registration = await provide_changeable_registration(request, token)
    if registration.status == RegistrationStatus.cancelled:
        raise NotFound()
    return registration


async def provide_registration_edition(registration: LinkedRegistration) -> Edition:
    """The edition of the route's registration."""
    return await editions.edition_of(registration)


EDITION = {"edition": Provide(provide_edition)}
"""``dependencies=EDITION`` on a route with ``{slug}``: the handler takes ``edition: Edition``."""

ORGANISED_EDITION = {"edition": Provide(provide_organised_edition)}
"""The handler takes ``edition: Edition``, an edition this person may organise."""

DESK_EDITION = {"edition": Provide(provide_desk_edition)}
"""The handler takes ``edition: Edition``, an edition whose check-in desk this person works."""

NEW_CONGRESS = {"bodies": Provide(provide_bodies_to_organise)}
"""The handler takes ``bodies: list[tuple[str, str]]``: (id, name) it may organise for."""

SESSION = {**ORGANISED_EDITION, "programme_session": Provide(provide_programme_session)}
"""On a route with ``{slug}`` and ``{session_id}``: ``edition`` (organised) and
``programme_session: CongressSession``."""

REGISTRATION = {
    "registration": Provide(provide_registration),
    "edition": Provide(provide_registration_edition),
}
"""On a route with ``{token}``: ``registration: Registration`` and its ``edition: Edition``."""

CHANGEABLE_REGISTRATION = {
    **REGISTRATION,
    "registration": Provide(provide_changeable_registration),
}
"""As :data:`REGISTRATION`, while it may still be changed or cancelled (every route that
changes a registration uses this or :data:`LIVE_REGISTRATION`)."""

LIVE_REGISTRATION = {**REGISTRATION, "registration": Provide(provide_live_registration)}
"""As :data:`CHANGEABLE_REGISTRATION`, for a registration that is not cancelled."""
