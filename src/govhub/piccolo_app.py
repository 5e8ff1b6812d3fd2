"""The one Piccolo app: every area's tables, migrated from the top-level ``migrations/``."""

from piccolo.conf.apps import AppConfig

from govhub.accounts import tables as accounts
from govhub.audit.tables import AuditEntry
from govhub.calendar import tables as calendar
from govhub.congress import tables as congress
from govhub.demo.tables import DemoRecord
from govhub.governance import tables as governance
from govhub.mail.tables import OutboxMessage
from govhub.meetings import tables as meetings
from govhub.meetings.response_tables import MeetingResponse
from govhub.settings import PROJECT_ROOT
from govhub.submissions import Submission
from govhub.system import FailedJob, WorkerHeartbeat

# Parents before their children: emptied in reverse order, nothing is refused (ON DELETE
# RESTRICT; see the baseline migration) and nothing cascades.
TABLES = [
    governance.Organisation,
    governance.Person,
    governance.Body,
    governance.Membership,
    governance.Plan,
    governance.CallToAction,
    governance.BodyCallToAction,
    WorkerHeartbeat,
    FailedJob,
    accounts.User,
    accounts.UserSession,
    accounts.PasswordResetToken,
    accounts.RateLimitCounter,
    Submission,
    AuditEntry,
    OutboxMessage,
    meetings.MeetingSeries,
    meetings.Meeting,
    meetings.TermsOfReference,
    meetings.MeetingChange,
    meetings.AgendaItem,
    meetings.AgendaItemCallToAction,
    meetings.Paper,
    meetings.AgendaSupplement,
    meetings.AgendaChange,
    meetings.Attendance,
    meetings.Declaration,
    meetings.Decision,
    meetings.Action,
    MeetingResponse,
    calendar.Reminder,
    calendar.FeedToken,
    congress.Edition,
    congress.CongressCallToAction,
    congress.CongressSession,
    congress.Registration,
    congress.SessionBooking,
    DemoRecord,
]

APP_CONFIG = AppConfig(
    app_name="govhub",
    migrations_folder_path=str(PROJECT_ROOT / "migrations"),
    table_classes=TABLES,
)
