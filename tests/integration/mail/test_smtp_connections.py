"""A worker keeps its SMTP connection open from one message to the next, and replaces one that
the server has closed."""

import socket
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from govhub.mail import smtp

pytestmark = pytest.mark.no_db


class CountingSink:
    def __init__(self) -> None:
        self.sessions = 0
        self.messages: list[bytes] = []

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content)
        return "250 OK"


@pytest.fixture
def server():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = CountingSink()
    controllers = [Controller(sink, hostname="127.0.0.1", port=port)]
    controllers[0].start()

    def restart() -> None:
        controllers[-1].stop()
        controllers.append(Controller(sink, hostname="127.0.0.1", port=port))
        controllers[-1].start()

    yield sink, restart, f"smtp://127.0.0.1:{port}"
    controllers[-1].stop()


def message(n: int) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "partnership@govhub.invalid"
    message["To"] = f"member{n}@example.org"
    message["Subject"] = f"Invitation {n}"
    message.set_content("You are invited.")
    return message


async def test_one_connection_carries_many_messages(server):
    sink, _restart, url = server
    try:
        for n in range(5):
            await smtp.send(message(n), url)
    finally:
        await smtp.close_all()
    assert len(sink.messages) == 5
    assert sink.sessions == 1


async def test_a_connection_the_server_dropped_is_replaced(server, monkeypatch):
    sink, restart, url = server
    try:
        await smtp.send(message(1), url)
        restart()  # the server goes away and comes back: the kept connection is dead
        monkeypatch.setattr(smtp, "CHECK_AFTER", 0.0)  # idle long enough to be checked
        await smtp.send(message(2), url)
    finally:
        await smtp.close_all()
    assert len(sink.messages) == 2
    assert sink.sessions == 2
