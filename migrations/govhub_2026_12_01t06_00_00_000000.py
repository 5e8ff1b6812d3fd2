"""The schema on 1 December 2026, in one migration: it replaces the twelve of November 2026.

A new database gets every table, index and unique key below. A database that ran the November
migrations gets only what changed since: each foreign key's ON DELETE, now chosen per relation
(RESTRICT keeps history and the audit log, CASCADE takes only true parts, SET NULL drops an
optional link; see the README's design section). SQLite cannot alter a foreign key, so there the
tables concerned are rebuilt (govhub.foreign_keys). The November migrations' records are then
replaced by this one's, in the same transaction.

The tables are written out here, frozen, rather than imported from the code: this file must build
the same schema whatever the tables become later. Unique keys are plain CREATE UNIQUE INDEX, which
both databases have (Piccolo's ``unique=True`` becomes an ALTER TABLE that SQLite lacks).
"""

from enum import Enum

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.apps.migrations.tables import Migration
from piccolo.columns import JSON, Boolean, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.engine import engine_finder
from piccolo.table import Table

from govhub.foreign_keys import align_foreign_keys

ID = "2026-12-01T06:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "baseline: the November 2026 schema, with ON DELETE per relation"

NOVEMBER_2026 = (
    "2026-11-21T14:50:49:654352",
    "2026-11-21T14:51:00:000000",
    "2026-11-21T15:01:50:166014",
    "2026-11-21T15:02:00:000000",
    "2026-11-21T15:44:04:801980",
    "2026-11-21T15:45:00:000000",
    "2026-11-21T17:28:27:955185",
    "2026-11-21T17:29:00:000000",
    "2026-11-21T17:32:03:166810",
    "2026-11-21T17:32:08:208238",
    "2026-11-21T17:32:09:000000",
    "2026-11-21T18:01:46:132671",
)
"""The migrations this one replaces (their files are kept in tests/fixtures/migrations_2026_11)."""

RESTRICT, CASCADE = OnDelete.restrict, OnDelete.cascade
SET_NULL, NO_ACTION = OnDelete.set_null, OnDelete.no_action


def _choices(name: str, *values: str) -> type[Enum]:
    return Enum(name, {value: value for value in values})


Sector = _choices(
    "Sector",
    "nhs",
    "council",
    "police",
    "fire",
    "education",
    "business",
    "voluntary",
    "faith",
    "housing",
    "other",
)
BodyKind = _choices("BodyKind", "executive_group", "thematic_board", "partnership_board", "other")
Role = _choices("Role", "chair", "vice_chair", "secretary", "member", "substitute", "observer")
MailState = _choices("MailState", "queued", "sending", "sent", "failed", "kept")
MeetingStatus = _choices("MeetingStatus", "scheduled", "cancelled")
AgendaState = _choices("AgendaState", "draft", "published")
MinutesState = _choices("MinutesState", "none", "draft", "approved")
TorState = _choices("TorState", "draft", "approved", "superseded")
Purpose = _choices("Purpose", "decision", "discussion", "information")
AttendanceStatus = _choices("AttendanceStatus", "present", "apologies", "absent")
ActionStatus = _choices("ActionStatus", "open", "done", "dropped")
ReminderState = _choices("ReminderState", "pending", "queued", "dropped")
Season = _choices("Season", "spring", "autumn")
RegistrationStatus = _choices("RegistrationStatus", "confirmed", "waiting", "cancelled")
AttendingAs = _choices("AttendingAs", "resident", "partner", "other")
BookingStatus = _choices("BookingStatus", "confirmed", "waiting", "pending")


class Organisation(Table):
    name = Varchar(length=200)
    short_name = Varchar(length=60)
    slug = Varchar(length=100)
    sector = Varchar(length=20, default=Sector.other, choices=Sector)
    website = Varchar(length=300)


class Person(Table):
    name = Varchar(length=200)
    email = Varchar(length=254)
    phone = Varchar(length=40, default=None, null=True)


class Body(Table):
    name = Varchar(length=200)
    short_name = Varchar(length=60)
    slug = Varchar(length=100)
    kind = Varchar(length=20, default=BodyKind.other, choices=BodyKind)
    reports_to = ForeignKey("self", on_delete=SET_NULL)
    purpose = Text()
    is_public = Boolean(default=True)
    reminder_days = Varchar(length=40, default="7,1")
    agenda_notice_days = Integer(default=5)


class Membership(Table):
    person = ForeignKey(Person, on_delete=RESTRICT, null=False)
    body = ForeignKey(Body, on_delete=RESTRICT, null=False, index=True)
    organisation = ForeignKey(Organisation, on_delete=RESTRICT, index=True)
    role = Varchar(length=20, default=Role.member, choices=Role)
    start_date = Date()
    end_date = Date(default=None, null=True)
    created_at = Timestamptz()


class Plan(Table):
    name = Varchar(length=200)
    slug = Varchar(length=100)
    start_year = Integer()
    end_year = Integer()
    vision = Text()


class CallToAction(Table):
    plan = ForeignKey(Plan, on_delete=CASCADE, null=False)
    number = Integer()
    title = Varchar(length=300)
    description = Text()


class BodyCallToAction(Table):
    body = ForeignKey(Body, on_delete=CASCADE, null=False, index=True)
    call_to_action = ForeignKey(CallToAction, on_delete=CASCADE, null=False)


class WorkerHeartbeat(Table):
    worker = Varchar(length=200)
    last_seen = Timestamptz()


class User(Table, tablename="account"):
    person = ForeignKey(Person, on_delete=RESTRICT, null=False)
    email = Varchar(length=254)
    password_hash = Varchar(length=200)
    is_admin = Boolean()
    is_active = Boolean(default=True)
    totp_secret = Varchar(length=64, secret=True)
    totp_enabled = Boolean()
    totp_last_step = Integer()
    privilege_version = Integer(default=1)
    created_at = Timestamptz()
    last_sign_in_at = Timestamptz(default=None, null=True)


class UserSession(Table):
    token_hash = Varchar(length=64)
    user = ForeignKey(User, on_delete=CASCADE, null=False, index=True)
    created_at = Timestamptz()
    last_seen_at = Timestamptz()
    mfa_pending = Boolean()
    privilege_version = Integer(default=1)


class PasswordResetToken(Table):
    token_hash = Varchar(length=64)
    user = ForeignKey(User, on_delete=CASCADE, null=False)
    created_at = Timestamptz()
    expires_at = Timestamptz()
    used_at = Timestamptz(default=None, null=True)


class RateLimitCounter(Table):
    count = Integer()
    key = Varchar(length=300)
    expires_at = Timestamptz()


class AuditEntry(Table):
    at = Timestamptz(index=True)
    actor = ForeignKey(User, on_delete=RESTRICT, index=True)
    actor_name = Varchar(length=200)
    action = Varchar(length=80)
    object_type = Varchar(length=40)
    object_id = Integer(default=None, null=True)
    summary = Varchar(length=300)
    body = ForeignKey(Body, on_delete=RESTRICT, index=True)
    before = JSON(default=None, null=True)
    after = JSON(default=None, null=True)


class OutboxMessage(Table):
    message_id = Varchar(length=200)
    to_address = Varchar(length=254)
    subject = Varchar(length=300)
    text_body = Text()
    html_body = Text()
    calendar_method = Varchar(length=10)
    calendar_body = Text()
    kind = Varchar(length=60)
    state = Varchar(length=10, default=MailState.queued, index=True, choices=MailState)
    attempts = Integer()
    claimed_at = Timestamptz(default=None, null=True)
    due_at = Timestamptz()
    dispatches = Integer()
    possible_duplicates = Integer()
    last_error = Text()
    created_at = Timestamptz()
    sent_at = Timestamptz(default=None, null=True)


class MeetingSeries(Table):
    body = ForeignKey(Body, on_delete=RESTRICT, null=False, index=True)
    title = Varchar(length=200)
    rrule = Text()
    first_starts_at = Timestamptz()
    duration_minutes = Integer(default=90)
    exdates = JSON(default="[]")
    venue = Text()
    online_link = Varchar(length=500)
    is_public = Boolean(default=True)
    created_at = Timestamptz()


class Meeting(Table):
    body = ForeignKey(Body, on_delete=RESTRICT, null=False, index=True)
    series = ForeignKey(MeetingSeries, on_delete=SET_NULL)
    title = Varchar(length=200)
    starts_at = Timestamptz(index=True)
    ends_at = Timestamptz()
    venue = Text()
    online_link = Varchar(length=500)
    is_public = Boolean(default=True)
    status = Varchar(length=10, default=MeetingStatus.scheduled, choices=MeetingStatus)
    cancel_reason = Text()
    uid = Varchar(length=200)
    sequence = Integer()
    agenda_state = Varchar(length=10, default=AgendaState.draft, choices=AgendaState)
    agenda_published_at = Timestamptz(default=None, null=True)
    minutes_state = Varchar(length=10, default=MinutesState.none, choices=MinutesState)
    minutes_approved_at = ForeignKey("self", on_delete=NO_ACTION)
    invites_sent_at = Timestamptz(default=None, null=True)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class TermsOfReference(Table):
    body = ForeignKey(Body, on_delete=RESTRICT, null=False, index=True)
    version = Integer()
    state = Varchar(length=12, default=TorState.draft, choices=TorState)
    purpose = Text()
    membership = Text()
    quorum_members = Integer(default=3)
    quorum_min_organisations = Integer(default=None, null=True)
    quorum_required_roles = Varchar(length=100)
    meeting_frequency = Varchar(length=200)
    reporting = Text()
    decision_making = Text()
    review_date = Date(default=None, null=True)
    approved_at = ForeignKey(Meeting, on_delete=RESTRICT)
    approved_on = Date(default=None, null=True)
    created_at = Timestamptz()
    created_by = ForeignKey(User, on_delete=RESTRICT)


class MeetingChange(Table):
    meeting = ForeignKey(Meeting, on_delete=RESTRICT, null=False, index=True)
    kind = Varchar(length=20)
    old_starts_at = Timestamptz(default=None, null=True)
    new_starts_at = Timestamptz(default=None, null=True)
    old_venue = Text()
    reason = Text()
    at = Timestamptz()
    by = ForeignKey(User, on_delete=RESTRICT)


class AgendaItem(Table):
    meeting = ForeignKey(Meeting, on_delete=RESTRICT, null=False, index=True)
    position = Integer()
    title = Varchar(length=300)
    presenter = Varchar(length=200)
    purpose = Varchar(length=12, default=Purpose.information, choices=Purpose)
    minutes_allotted = Integer(default=None, null=True)
    is_confidential = Boolean()
    description = Text()
    standard = Varchar(length=20, default=None, null=True)
    notes = Text()


class AgendaItemCallToAction(Table):
    item = ForeignKey(AgendaItem, on_delete=CASCADE, null=False, index=True)
    call_to_action = ForeignKey(CallToAction, on_delete=RESTRICT, null=False)


class Paper(Table):
    item = ForeignKey(AgendaItem, on_delete=CASCADE, null=False, index=True)
    title = Varchar(length=300)
    original_name = Varchar()
    stored_name = Varchar(length=100)
    kind = Varchar(length=10)
    size = Integer()
    sha256 = Varchar(length=64)
    uploaded_at = Timestamptz()
    uploaded_by = ForeignKey(User, on_delete=RESTRICT)


class Attendance(Table):
    meeting = ForeignKey(Meeting, on_delete=RESTRICT, null=False, index=True)
    person = ForeignKey(Person, on_delete=RESTRICT)
    membership = ForeignKey(Membership, on_delete=RESTRICT)
    organisation = ForeignKey(Organisation, on_delete=RESTRICT)
    role = Varchar(length=20, default="member")
    status = Varchar(length=10, default=AttendanceStatus.present, choices=AttendanceStatus)
    is_substitute = Boolean()
    is_guest = Boolean()
    guest_name = Varchar(length=200)


class Declaration(Table):
    meeting = ForeignKey(Meeting, on_delete=RESTRICT, null=False, index=True)
    item = ForeignKey(AgendaItem, on_delete=SET_NULL)
    person = ForeignKey(Person, on_delete=RESTRICT)
    interest = Text()


class Decision(Table):
    meeting = ForeignKey(Meeting, on_delete=RESTRICT, null=False, index=True)
    item = ForeignKey(AgendaItem, on_delete=SET_NULL)
    text = Text()


class Action(Table):
    body = ForeignKey(Body, on_delete=RESTRICT, null=False, index=True)
    meeting = ForeignKey(Meeting, on_delete=RESTRICT, null=False, index=True)
    item = ForeignKey(AgendaItem, on_delete=SET_NULL)
    description = Text()
    owner = ForeignKey(Person, on_delete=RESTRICT)
    owner_name = Varchar(length=200)
    organisation = ForeignKey(Organisation, on_delete=RESTRICT)
    due_date = Date(default=None, null=True)
    status = Varchar(length=10, default=ActionStatus.open, choices=ActionStatus)
    completed_on = Date(default=None, null=True)
    created_at = Timestamptz()


class Reminder(Table):
    kind = Varchar(length=40)
    target_id = Integer(index=True)
    recipient = Varchar(length=254)
    recipient_name = Varchar(length=200)
    locale = Varchar(length=10, default="en")
    label = Varchar(length=60)
    due_at = Timestamptz(index=True)
    state = Varchar(length=10, default=ReminderState.pending, index=True, choices=ReminderState)
    message = ForeignKey(OutboxMessage, on_delete=RESTRICT)
    created_at = Timestamptz()


class FeedToken(Table):
    user = ForeignKey(User, on_delete=CASCADE)
    nonce = Varchar(length=64)
    token_hash = Varchar(length=64)
    created_at = Timestamptz()


class Edition(Table, tablename="congress_edition"):
    slug = Varchar(length=40)
    season = Varchar(length=10, choices=Season)
    year = Integer()
    title = Varchar(length=200)
    theme = Text()
    starts_at = Timestamptz()
    ends_at = Timestamptz()
    venue = Text()
    venue_access = Text()
    capacity = Integer(default=300)
    registration_opens_at = Timestamptz()
    registration_closes_at = Timestamptz()
    organising_body = ForeignKey(Body, on_delete=RESTRICT)
    uid_salt = Varchar(length=40)
    sequence = Integer()
    created_at = Timestamptz()


class CongressCallToAction(Table):
    edition = ForeignKey(Edition, on_delete=CASCADE, null=False, index=True)
    call_to_action = ForeignKey(CallToAction, on_delete=RESTRICT, null=False)


class CongressSession(Table):
    edition = ForeignKey(Edition, on_delete=CASCADE, null=False, index=True)
    title = Varchar(length=200)
    description = Text()
    starts_at = Timestamptz()
    ends_at = Timestamptz()
    room = Varchar(length=200)
    capacity = Integer(default=30)
    position = Integer()


class Registration(Table, tablename="congress_registration"):
    edition = ForeignKey(Edition, on_delete=RESTRICT, null=False, index=True)
    status = Varchar(length=10, choices=RegistrationStatus)
    arrival = Integer()
    reference = Varchar(length=12)
    name = Varchar(length=200)
    email = Varchar(length=254)
    email_key = Varchar(length=280)
    phone = Varchar(length=40)
    attending_as = Varchar(length=10, default=AttendingAs.resident, choices=AttendingAs)
    organisation = ForeignKey(Organisation, on_delete=RESTRICT)
    organisation_name = Varchar(length=200)
    attending_other = Varchar(length=200)
    postcode = Varchar(length=10)
    access_needs = Varchar(length=400)
    interpreting_other = Varchar(length=100)
    access_details = Text()
    newsletter = Boolean()
    consented_at = Timestamptz(default=None, null=True)
    locale = Varchar(length=10, default="en")
    manage_token_hash = Varchar(length=64)
    is_walk_in = Boolean()
    arrived_at = Timestamptz(default=None, null=True)
    invite_sent = Boolean()
    sequence = Integer()
    created_at = Timestamptz()
    confirmed_at = Timestamptz(default=None, null=True)
    cancelled_at = Timestamptz(default=None, null=True)
    erased_at = Timestamptz(default=None, null=True)


class SessionBooking(Table, tablename="congress_session_booking"):
    registration = ForeignKey(Registration, on_delete=CASCADE, null=False, index=True)
    session = ForeignKey(CongressSession, on_delete=RESTRICT, null=False, index=True)
    status = Varchar(length=10, choices=BookingStatus)
    arrival = Integer()
    created_at = Timestamptz()


TABLES = [
    Organisation, Person, Body, Membership, Plan, CallToAction, BodyCallToAction,
    WorkerHeartbeat, User, UserSession, PasswordResetToken, RateLimitCounter, AuditEntry,
    OutboxMessage, MeetingSeries, Meeting, TermsOfReference, MeetingChange, AgendaItem,
    AgendaItemCallToAction, Paper, Attendance, Declaration, Decision, Action, Reminder,
    FeedToken, Edition, CongressCallToAction, CongressSession, Registration, SessionBooking,
]  # fmt: skip

UNIQUE_KEYS = {
    "organisation_slug_key": "organisation (slug)",
    "person_email_key": "person (email)",
    "body_slug_key": "body (slug)",
    "plan_slug_key": "plan (slug)",
    "call_to_action_plan_number_key": "call_to_action (plan, number)",
    "body_call_to_action_pair_key": "body_call_to_action (body, call_to_action)",
    "worker_heartbeat_worker_key": "worker_heartbeat (worker)",
    "account_email_key": "account (email)",
    "account_person_key": "account (person)",
    "user_session_token_key": "user_session (token_hash)",
    "password_reset_token_key": "password_reset_token (token_hash)",
    "rate_limit_counter_key": "rate_limit_counter (key)",
    "outbox_message_message_id_key": "outbox_message (message_id)",
    "meeting_uid_key": "meeting (uid)",
    "terms_of_reference_version_key": "terms_of_reference (body, version)",
    "paper_stored_name_key": "paper (stored_name)",
    "feed_token_user_key": 'feed_token ("user")',
    "feed_token_hash_key": "feed_token (token_hash)",
    "congress_edition_slug_key": "congress_edition (slug)",
    "congress_registration_email_key": "congress_registration (edition, email_key)",
    "congress_registration_token_key": "congress_registration (manage_token_hash)",
    "congress_registration_reference_key": "congress_registration (reference)",
    "congress_session_booking_key": "congress_session_booking (registration, session)",
}


class Baseline(MigrationManager):
    """Builds the schema on a new database; on one from November 2026, changes what differs."""

    async def run(self, backwards: bool = False) -> None:
        if backwards or self.preview:
            await super().run(backwards=backwards)
            return
        engine = engine_finder()
        ran = set(
            await Migration.select(Migration.name)
            .where(Migration.app_name == self.app_name)
            .output(as_list=True)
        )
        if not ran & set(NOVEMBER_2026):
            async with engine.transaction():
                await super().run()
                for name, target in UNIQUE_KEYS.items():
                    await engine.run_ddl(f"CREATE UNIQUE INDEX {name} ON {target}")
            return
        if missing := sorted(set(NOVEMBER_2026) - ran):
            raise RuntimeError(
                f"This database is part-way through the November 2026 migrations (not run: "
                f"{', '.join(missing)}): finish them with the govhub release of November 2026, "
                "then migrate again."
            )
        print(f"  - {self.migration_id} [from the November 2026 schema]... ", end="")
        names = ", ".join(f"'{name}'" for name in NOVEMBER_2026)
        forget = (
            f"DELETE FROM {Migration._meta.tablename} "
            f"WHERE app_name = '{self.app_name}' AND name IN ({names})"
        )
        await align_foreign_keys(engine, TABLES, then=[forget])


async def forwards() -> MigrationManager:
    manager = Baseline(migration_id=ID, app_name="govhub", description=DESCRIPTION)
    for table in TABLES:
        name, tablename = table.__name__, table._meta.tablename
        manager.add_table(class_name=name, tablename=tablename)
        for column in table._meta.non_default_columns:
            manager.add_column(
                table_class_name=name,
                tablename=tablename,
                column_name=column._meta.name,
                db_column_name=column._meta.db_column_name,
                column_class=type(column),
                params=dict(column._meta.params),
            )
    return manager
