"""Bengali subjects and sender names arrive with every space and letter where it was: decoded
from the raw bytes a mail server received, as mail clients decode them."""

import email
import socket
from email import policy
from email.header import decode_header, make_header

import pytest

from govhub.mail import smtp
from govhub.mail.jobs import build_message, encoded_words
from govhub.mail.tables import OutboxMessage

pytestmark = pytest.mark.no_db

SENDER = "টাওয়ার হ্যামলেটস পার্টনারশিপ <partnership@govhub.invalid>"
SUBJECTS = [
    "নতুন সভার আমন্ত্রণ: কমিউনিটি সেফটি পার্টনারশিপ — মার্চ মাসের সভা, টাউন হল",
    "Community Safety Partnership: সভা বাতিল হয়েছে (Tuesday 30 March 2027, 6pm)",
    "দুই  স্পেস  এবং শেষে স্পেস ",
    "স্বাস্থ্য-ও-কল্যাণ-বোর্ডের-পরবর্তী-সভার-আলোচ্যসূচি-প্রকাশিত-হয়েছে-অনুগ্রহ-করে-পড়ুন",
    "Plain English subject for the Health and Wellbeing Board",
]


def message(subject: str) -> OutboxMessage:
    return OutboxMessage(
        message_id="<1@govhub.test>",
        to_address="abdul@example.org",
        subject=subject,
        text_body="সভা",
        html_body="",
    )


def decoded(raw_header: str) -> str:
    return str(make_header(decode_header(raw_header)))


@pytest.mark.parametrize("subject", SUBJECTS)
def test_decoding_the_raw_header_gives_back_the_exact_subject_and_sender(subject):
    raw = build_message(message(subject), SENDER).as_bytes(policy=policy.SMTP)
    parsed = email.message_from_bytes(raw)  # compat32: the raw header text, not decoded
    assert decoded(parsed["Subject"]) == subject
    assert decoded(parsed["From"]) == SENDER
    assert email.message_from_bytes(raw, policy=policy.default)["Subject"] == subject
    for line in raw.split(b"\r\n\r\n")[0].split(b"\r\n"):
        assert len(line) <= 998 and line.isascii()


def test_each_encoded_word_holds_whole_letters_within_the_limit():
    text = SUBJECTS[3] * 3
    words = encoded_words(text)
    assert all(len(word) <= 75 for word in words)
    parts = [str(make_header(decode_header(word))) for word in words]
    assert "".join(parts) == text
    # No piece begins with a vowel sign or virama, which a client would show broken.
    assert all(not ("\u09be" <= part[0] <= "\u09cd") for part in parts)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_a_real_smtp_server_receives_bengali_headers_intact():
    from aiosmtpd.controller import Controller

    received: list[bytes] = []

    class Keep:
        async def handle_DATA(self, server, session, envelope):
            received.append(envelope.content)
            return "250 OK"

    port = _free_port()
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        url = f"smtp://127.0.0.1:{port}"
        await smtp.send(build_message(message(SUBJECTS[0]), SENDER), url)
        await smtp.close_all()
    finally:
        controller.stop()
    [raw] = received
    parsed = email.message_from_bytes(raw)
    assert decoded(parsed["Subject"]) == SUBJECTS[0]
    assert decoded(parsed["From"]) == SENDER
