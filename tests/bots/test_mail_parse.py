"""Real-world MIME: encodings, HTML, attachments, and the machine mail we never answer."""

from __future__ import annotations

from email.message import EmailMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

import pytest

from bots.mail.parse import ParsedMail, decode_guess, html_to_text, parse_mail

TEXT = "Здравствуйте! Работодатель не платит зарплату два месяца, долг 120 000 рублей."
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def parse(raw: bytes, envelope_sender: str | None = None) -> ParsedMail:
    return parse_mail(raw, max_files=2, max_bytes=1024 * 1024, envelope_sender=envelope_sender)


def letter(**headers: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = headers.pop("From", "Анна Иванова <anna@example.org>")
    message["To"] = "complaints@git.example"
    message["Subject"] = headers.pop("Subject", "Жалоба")
    message["Message-ID"] = headers.pop("Message_ID", "<m1@example.org>")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(TEXT)
    return message


@pytest.mark.parametrize("charset", ["koi8-r", "cp1251", "utf-8"])
def test_cyrillic_charsets(charset: str) -> None:
    part = MIMEText(TEXT + "\n\n-- \nАнна", "plain", charset)
    part["From"] = "anna@example.org"
    part["Subject"] = "Зарплата"
    part["Message-ID"] = "<c@example.org>"
    parsed = parse(part.as_bytes())
    assert TEXT in parsed.text and parsed.text.startswith("Зарплата")
    assert "-- \nАнна" in parsed.text  # the signature stays: the NLP strips it, the original is kept
    assert parsed.external_id == "<c@example.org>" and parsed.automatic is None


@pytest.mark.parametrize("encoding", ["cp1251", "koi8-r"])
def test_undeclared_cyrillic_is_guessed(encoding: str) -> None:
    assert decode_guess(TEXT.encode(encoding)) == TEXT


def test_html_only_letter_becomes_text_with_quotes_kept() -> None:
    html = (
        "<html><head><style>p{color:red}</style></head><body><p>Здравствуйте!</p>"
        "<p>Нам не платят&nbsp;зарплату &laquo;в конверте&raquo;.<br>Помогите.</p>"
        "<blockquote>Ранее писали: жалоба</blockquote><script>alert(1)</script></body></html>"
    )
    message = letter()
    message.set_content(html, subtype="html")
    parsed = parse(message.as_bytes())
    assert "Нам не платят зарплату «в конверте»." in parsed.text and "Помогите." in parsed.text
    assert "Ранее писали" in parsed.text and "alert" not in parsed.text and "color" not in parsed.text
    assert html_to_text("<p>a</p><p>b</p>") == "a\n\nb"


def test_alternative_parts_prefer_plain_and_attachments_are_checked() -> None:
    message = letter()
    message.add_alternative("<p>HTML version</p>", subtype="html")
    message.add_attachment(PNG, maintype="image", subtype="png", filename="табель.png")
    message.add_attachment(
        b"MZ\x90\x00" + b"\x00" * 100, maintype="application", subtype="octet-stream", filename="virus.exe"
    )
    message.add_attachment(PNG + b"1", maintype="image", subtype="png", filename="2.png")
    message.add_attachment(PNG + b"2", maintype="image", subtype="png", filename="3.png")
    parsed = parse(message.as_bytes())
    assert TEXT in parsed.text and "HTML version" not in parsed.text
    assert [a.name for a in parsed.attachments] == ["табель.png", "2.png"]
    assert [r.name for r in parsed.rejected] == ["virus.exe", "3.png"]
    assert parsed.rejected[0].reason.startswith("можно прикладывать фото")
    assert parsed.rejected[1].reason == "можно приложить не более 2 файлов"


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto_Submitted": "auto-replied"},
        {"Precedence": "bulk"},
        {"Precedence": "junk"},
        {"Precedence": "list"},
        {"X_Autoreply": "yes"},
        {"List_Id": "<workers.lists.example>"},
        {"From": "MAILER-DAEMON@mx.example"},
        {"From": "postmaster@mx.example"},
        {"From": "noreply@shop.example"},
        {"From": "no-reply@shop.example"},
        {"Subject": "Автоответ: Жалоба"},
        {"Return_Path": "<>"},
    ],
)
def test_machine_mail_is_recognised(headers: dict[str, str]) -> None:
    assert parse(letter(**headers).as_bytes()).automatic is not None


def test_auto_submitted_no_is_a_person_and_bounces_are_machines() -> None:
    assert parse(letter(Auto_Submitted="no").as_bytes()).automatic is None
    report = MIMEMultipart("report", report_type="delivery-status")
    report["From"] = "anna@example.org"
    report.attach(MIMEText("Delivery failed", "plain", "utf-8"))
    assert parse(report.as_bytes()).automatic == "delivery report"
    assert parse(letter().as_bytes(), envelope_sender="").automatic == "null envelope sender"


def test_a_letter_without_message_id_gets_a_stable_id() -> None:
    message = letter()
    del message["Message-ID"]
    first = parse(message.as_bytes()).external_id
    assert first.startswith("sha256:") and first == parse(message.as_bytes()).external_id
