"""Cleaning that keeps offsets: every output string has exactly the length of the input.

Quoted replies and e-mail signatures are blanked (replaced by spaces, newlines kept) instead of being cut,
so a character offset into the cleaned text is the same offset into the original text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# one-to-one character replacements (same length)
_CHAR_MAP = str.maketrans(
    {
        "\u00a0": " ",
        "\u2007": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u200b": " ",
        "\u200c": " ",
        "\u200d": " ",
        "\ufeff": " ",
        "\t": " ",
        "\r": " ",
        "\x0b": " ",
        "\x0c": " ",
        "„": '"',
        "“": '"',
        "”": '"',
        "‟": '"',
        "″": '"',
        "＂": '"',
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "`": "'",
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "–": "-",
        "—": "-",
        "―": "-",
    }
)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")

_REPLY_HEADER_RE = re.compile(
    r"^\s*(?:-{2,}\s*(?:Original Message|Исходное сообщение)\s*-*"
    r"|(?:От|From)\s*:.*\n\s*(?:Отправлено|Sent|Дата|Date|Кому|To)\s*:"
    r"|.{0,120}\b(?:пишет|написал\(а\)|написала|написал|wrote)\s*:\s*$"
    # Gmail in Russian: «вт, 26 мар. 2024 г. в 16:05, Бухгалтер <buh@mail.ru>:»
    r"|.{0,60}\d{1,2}:\d{2},?\s.{0,80}<[^<>\s]+@[^<>\s]+>\s*:\s*$)",
    re.IGNORECASE | re.MULTILINE,
)
# a forwarded message: the writer often writes below it, so only the header block is blanked (the header line,
# the From / Date / Subject / To lines right after it, the end marker); quoted `>` lines go as everywhere
_FORWARD_HEADER_RE = re.compile(
    r"^[ \t]*(?:-{2,}[ \t]*(?:Forwarded message|Пересылаемое сообщение|Пересланное сообщение|Переслано|"
    r"Перенаправленное сообщение)[ \t]*-*"
    r"|(?:Begin forwarded message|Начало (?:пересылаемого|пересланного|переадресованного) сообщения)[ \t]*:)"
    r"[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
_FORWARD_END_RE = re.compile(
    r"^[ \t]*-{2,}[ \t]*(?:Конец пересылаемого сообщения|End of forwarded message)[ \t]*-*[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
_HEADER_FIELDS = r"От|From|Дата|Date|Тема|Subject|Кому|To|Копия|Cc|Отправлено|Sent"
_FORWARD_FIELD_RE = re.compile(
    rf"[ \t]*(?:(?:{_HEADER_FIELDS}|Отправитель|Получатель)"
    r"[ \t]*:.*|.{0,80}(?:\d{1,2}[.:]\d{2}|@).{0,80}:[ \t]*|[ \t]*)$",
    re.IGNORECASE,
)
_QUOTE_LINE_RE = re.compile(r"^[ \t]*>.*$", re.MULTILINE)
_HEADER_FIELD_LINE_RE = re.compile(rf"^[ \t]*(?:{_HEADER_FIELDS})[ \t]*:.*$", re.IGNORECASE | re.MULTILINE)
_QUOTE_MARK_RE = re.compile(r"^[ \t]*(?:>[ \t]*)+", re.MULTILINE)
# the writer's own words send the reader to the quote: «ниже моё заявление», «переслал сообщение мастера»,
# «направляем письмо работников директору», «дублирую вопрос», «вот ответ фонда», a subject «Fwd: …». The
# quote is then the complaint (a worker's letter to the employer, a colleague's message), so it is read like
# the writer's own text
_POINTS_TO_QUOTE_RE = re.compile(
    r"\b(?:ниже|внизу|пересыла\w*|пересл\w*|перешл\w*|переправля\w*|переправил\w*|дублиру\w*|продублир\w*|"
    r"направля\w*|прилага\w*|вот\s+(?:ответ|письм|переписк)\w*)\b|"
    r"^[ \t]*(?:fwd?|тема:[ \t]*fwd?)[ \t]*:",
    re.IGNORECASE | re.MULTILINE,
)
_SIG_DELIM_RE = re.compile(r"^-- ?$", re.MULTILINE)
_SENT_FROM_RE = re.compile(
    r"^\s*(?:Отправлено|Sent|Get)\s+(?:с|из|from|my)?\s*.{0,40}"
    r"(?:iPhone|iPad|Android|Samsung|Mail\.ru|Яндекс|Outlook|мобильного|Galaxy|Huawei|Xiaomi).*$",
    re.IGNORECASE | re.MULTILINE,
)
_REGARDS_RE = re.compile(
    r"^\s*(?:С уважением|С наилучшими пожеланиями|Best regards|Regards)\b.*$", re.IGNORECASE | re.MULTILINE
)


@dataclass(frozen=True)
class Cleaned:
    """``facts_text``: normalised, quoted replies blanked; ``body_text``: also without the signature.
    Both have the length of ``original``."""

    original: str
    facts_text: str
    body_text: str

    def compact(self) -> str:
        """The body with whitespace collapsed, for display."""
        return re.sub(r"[ ]{2,}", " ", re.sub(r"\n\s*\n+", "\n\n", self.body_text)).strip()


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]


def normalise(text: str) -> str:
    """Same-length normalisation of spaces, quotes, dashes and control characters."""
    return _CONTROL_RE.sub(" ", text.translate(_CHAR_MAP))


def _forward_blocks(text: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(forward header and end-marker lines, the header field lines after each header) as spans."""
    markers: list[tuple[int, int]] = []
    fields: list[tuple[int, int]] = []
    for match in _FORWARD_HEADER_RE.finditer(text):
        markers.append((match.start(), match.end()))
        at = match.end() + 1
        while at < len(text):
            line_end = text.find("\n", at)
            line_end = len(text) if line_end < 0 else line_end
            if not _FORWARD_FIELD_RE.fullmatch(text, at, line_end):
                break
            fields.append((at, line_end))
            at = line_end + 1
    markers.extend((m.start(), m.end()) for m in _FORWARD_END_RE.finditer(text))
    return markers, fields


def _bottom_posted(text: str, at: int) -> bool:
    """The reply header ending at ``at`` is followed by `>` lines and then by unquoted text: the writer
    answers below the quote (a «…, Иван написал:» line, «> оформлять не будем», then «Выше — ответ …»)."""
    quoted = False
    for line in text[at:].split("\n"):
        if not line.strip():
            continue
        if line.lstrip().startswith(">"):
            quoted = True
            continue
        return quoted
    return False


def _reply_headers(text: str) -> tuple[re.Match[str] | None, list[re.Match[str]]]:
    """(the reply header after which all text is someone else's, the headers of quotes the writer answers
    below). A header that is itself a quoted line belongs to the quote."""
    answered_below: list[re.Match[str]] = []
    for match in _REPLY_HEADER_RE.finditer(text):
        if match.group().lstrip().startswith(">"):
            continue
        if _bottom_posted(text, match.end()):
            answered_below.append(match)
            continue
        return match, answered_below
    return None, answered_below


def clean(text: str) -> Cleaned:
    norm = normalise(text)
    facts_text = norm
    fields: list[tuple[int, int]] = []
    if "-" in norm:
        markers, fields = _forward_blocks(norm)
        for start, end in markers:  # the «Forwarded message» lines themselves are nobody's words
            facts_text = _blank(facts_text, start, end)
        masked = facts_text  # a reply header inside a forward header block is not a reply
        for start, end in fields:
            masked = _blank(masked, start, end)
        header, answered_below = _reply_headers(masked)
    else:
        header, answered_below = _reply_headers(facts_text)
    first_quote = _QUOTE_LINE_RE.search(facts_text)
    own_end = min(header.start() if header else len(norm), first_quote.start() if first_quote else len(norm))
    if _POINTS_TO_QUOTE_RE.search(facts_text, 0, own_end):
        # the quote is the complaint: only its `>` marks go; a reply header feeds the facts, not the problems
        for match in _QUOTE_MARK_RE.finditer(facts_text):
            facts_text = _blank(facts_text, match.start(), match.end())
        fields += [(m.start(), m.end()) for m in _HEADER_FIELD_LINE_RE.finditer(facts_text)]
    else:
        if header and facts_text[: header.start()].strip():  # the whole message is not one quote
            facts_text = _blank(facts_text, header.start(), len(facts_text))
        for match in answered_below:
            facts_text = _blank(facts_text, match.start(), match.end())
        for match in _QUOTE_LINE_RE.finditer(facts_text):
            facts_text = _blank(facts_text, match.start(), match.end())
    for match in _SENT_FROM_RE.finditer(facts_text):
        facts_text = _blank(facts_text, match.start(), match.end())
    if not facts_text.strip():
        facts_text = norm  # the whole message is a quote (a forwarded complaint): keep it

    body_text = facts_text
    for start, end in fields:  # the forward header block feeds the facts (the sender), not the problems
        body_text = _blank(body_text, start, end)
    signature_at = None
    delimiter = _SIG_DELIM_RE.search(body_text)
    if delimiter and body_text[: delimiter.start()].strip():
        signature_at = delimiter.start()
    regards = list(_REGARDS_RE.finditer(body_text))
    if regards:
        last = regards[-1]
        tail_lines = [line for line in body_text[last.end() :].split("\n") if line.strip()]
        if len(tail_lines) <= 6 and body_text[: last.start()].strip():
            signature_at = min(signature_at or last.start(), last.start())
    if signature_at is not None:
        body_text = _blank(body_text, signature_at, len(body_text))
    return Cleaned(text, facts_text, body_text)
