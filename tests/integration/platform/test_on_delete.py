"""The database holds the line: history is never deleted with its parent, true parts are.

(The services refuse such deletions with a clear message first; these tests delete straight
through the ORM, as a careless script would.)
"""

import pytest
from piccolo.columns import OnDelete

from govhub.accounts.tables import UserSession
from govhub.audit.tables import AuditEntry
from govhub.governance.tables import Body
from govhub.meetings.tables import AgendaItem, Decision, Meeting, Paper
from govhub.piccolo_app import TABLES

REFUSED = r"(?i)foreign key|violates"


async def test_a_body_with_meetings_cannot_be_deleted_and_its_audit_entries_stay(
    make_body, make_meeting, make_user
):
    board = await make_body(name="Health and Wellbeing Board")
    await make_meeting(body=board, title="Spring meeting")
    admin = await make_user(admin=True)
    await AuditEntry.insert(
        AuditEntry(actor=admin.id, action="body.created", object_type="body", body=board.id)
    )

    with pytest.raises(Exception, match=REFUSED):
        await Body.delete().where(Body.id == board.id)

    assert await Body.exists().where(Body.id == board.id)
    assert await Meeting.count().where(Meeting.body == board.id) == 1
    assert await AuditEntry.count().where(AuditEntry.body == board.id) == 1


async def test_an_audit_entry_keeps_its_body_and_its_actor(make_body, make_user):
    board = await make_body()
    admin = await make_user(admin=True)
    await AuditEntry.insert(
        AuditEntry(actor=admin.id, action="body.updated", object_type="body", body=board.id)
    )
    with pytest.raises(Exception, match=REFUSED):
        await Body.delete().where(Body.id == board.id)
    with pytest.raises(Exception, match=REFUSED):
        await type(admin).delete().where(type(admin).id == admin.id)
    assert await AuditEntry.count() == 1


async def test_an_agenda_items_papers_go_with_it_and_its_decisions_stay(make_meeting, make_item):
    meeting = await make_meeting()
    item = await make_item(meeting, title="Budget")
    await Paper.insert(Paper(item=item.id, title="Budget paper", stored_name="b.pdf", kind="pdf"))
    await Decision.insert(Decision(meeting=meeting.id, item=item.id, text="Budget agreed"))

    await AgendaItem.delete().where(AgendaItem.id == item.id)

    assert await Paper.count() == 0
    decision = await Decision.objects().first()
    assert (decision.text, decision.item) == ("Budget agreed", None)

    with pytest.raises(Exception, match=REFUSED):  # the decision is the meeting's record
        await Meeting.delete().where(Meeting.id == meeting.id)


async def test_a_users_sessions_go_with_the_account(make_user):
    user = await make_user()
    await UserSession.insert(UserSession(token_hash="x" * 64, user=user.id))
    await type(user).delete().where(type(user).id == user.id)
    assert await UserSession.count() == 0


async def test_a_board_whose_parent_goes_reports_to_nobody(make_body):
    parent = await make_body(name="Old executive")
    child = await make_body(name="Child board", reports_to=parent.id)
    await Body.delete().where(Body.id == parent.id)
    assert (await Body.objects().where(Body.id == child.id).first()).reports_to is None


@pytest.mark.no_db
def test_every_table_comes_after_the_tables_it_may_not_outlive():
    """Tests empty the tables in reverse order of ``TABLES``; a refused delete would stop them."""
    seen = set()
    for table in TABLES:
        for column in table._meta.foreign_key_columns:
            meta = column._foreign_key_meta
            parent = meta.resolved_references
            if meta.on_delete in (OnDelete.restrict, OnDelete.no_action) and parent is not table:
                assert parent in seen, f"{table.__name__}.{column._meta.name} before {parent}"
        seen.add(table)
