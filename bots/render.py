"""Russian notification texts from the Jinja2 templates in bots/templates (one file per template name).

Each template has a `subject` block (e-mail subject) and a `body` block (the e-mail text and the Telegram
message). Templates are plain text: nothing is HTML-escaped, and Telegram messages are sent without markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

TEMPLATES = Path(__file__).parent / "templates"
TELEGRAM_LIMIT = 4096  # Bot API limit of one message

OUTCOME_RU = {
    "violation_confirmed": "нарушение подтвердилось",
    "not_confirmed": "нарушение не подтвердилось",
    "explained": "даны разъяснения",
}


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


def ru_date(value: Any) -> str:
    """`2026-03-05` (or a date) as `05.03.2026`; anything else unchanged."""
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    try:
        return date.fromisoformat(str(value)[:10]).strftime("%d.%m.%Y")
    except ValueError:
        return str(value)


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=False,  # plain text for mail and Telegram  # noqa: S701
        undefined=jinja2.ChainableUndefined,  # a missing optional key renders empty, never crashes a send
        trim_blocks=False,
        keep_trailing_newline=False,
    )
    env.filters["ru_date"] = ru_date
    env.filters["outcome_text"] = lambda value: OUTCOME_RU.get(str(value), str(value))
    return env


def _block(template: jinja2.Template, name: str, context: dict[str, Any]) -> str:
    return "".join(template.blocks[name](template.new_context(context))).strip()


def render(template_name: str, context: dict[str, Any], *, public_base_url: str) -> Rendered:
    """Raises jinja2.TemplateNotFound for an unknown template name."""
    env = environment()
    template = env.get_template(f"{template_name}.txt")
    values = {**context, "public_base_url": public_base_url.rstrip("/")}
    subject = " ".join(_block(template, "subject", values).split())  # headers are one line
    body = _block(template, "body", values)
    return Rendered(subject=subject, body=body)


def email_text(body: str, context: dict[str, Any], *, public_base_url: str) -> str:
    footer = environment().get_template("_email_footer.txt")
    return body + "\n" + footer.render(**context, public_base_url=public_base_url.rstrip("/"))


def telegram_text(rendered: Rendered) -> str:
    text = rendered.body
    return text if len(text) <= TELEGRAM_LIMIT else text[: TELEGRAM_LIMIT - 1] + "…"
