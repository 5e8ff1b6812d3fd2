"""An outbox row always fits its columns, whatever the text it was made from."""

from __future__ import annotations

from govhub.mail.services import queue_mail
from govhub.mail.tables import OutboxMessage


async def test_a_subject_longer_than_its_column_is_cut_with_an_ellipsis(engine):
    # A reminder's subject joins the board's name and the meeting's title (200 characters each):
    # PostgreSQL refused the row, and the reminder sweep failed every minute after.
    context = {
        "name": "Ayesha Rahman",
        "body_name": "B" * 200,
        "title": "T" * 200,
        "label": "tomorrow",
        "when": "Tuesday 5 January 2027, 6pm",
        "day": "Tuesday 5 January 2027",
        "time": "6pm",
        "ends": "8pm",
        "venue": "Town Hall",
        "online_link": "",
        "agenda_published": False,
        "url": "https://govhub.example/meetings/1",
    }
    message = await queue_mail(
        to="ayesha@example.org", template="meeting_reminder", context=context, kind="test"
    )
    row = await OutboxMessage.objects().where(OutboxMessage.id == message.id).first()
    assert len(row.subject) == OutboxMessage.subject.length
    assert row.subject.startswith("Reminder: BBB") and row.subject.endswith("…")
