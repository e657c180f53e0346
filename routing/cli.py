"""`deadlines` command; the portal mounts it into the `trudnadzor` group."""

from __future__ import annotations

import json
from datetime import date

import click

from routing.calendar import UnknownRegionError, load_calendar
from routing.deadlines import DEADLINE_KINDS, LABELS_RU, compute_deadlines

WEEKDAYS_RU = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")


def _parse_date(_ctx: click.Context, _param: click.Parameter, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"«{value}» — не дата; ожидается ГГГГ-ММ-ДД, например 2026-02-16.") from None


@click.command(
    "deadlines",
    help="Сроки рассмотрения обращения по дате регистрации. / Legal deadlines for a registration date.",
)
@click.option("--registered", required=True, callback=_parse_date, help="Дата регистрации, ГГГГ-ММ-ДД.")
@click.option(
    "--region", default=None, help="Регион (официальное название или код) — для региональных праздников."
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (ISO dates).")
def deadlines(registered: date, region: str | None, as_json: bool) -> None:
    try:
        calendar = load_calendar(region)
    except UnknownRegionError as exc:
        raise click.BadParameter(str(exc), param_hint="--region") from None
    result = compute_deadlines(registered, calendar=calendar)
    # Notices go to stderr so that --json output stays parseable.
    for warning in result.warnings:
        click.echo(f"Внимание: {warning}", err=True)
    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        return
    where = result.region or "федеральный календарь, без региональных праздников"
    click.echo(f"Дата регистрации: {registered:%d.%m.%Y} ({where})")
    width = max(len(label) for label in LABELS_RU.values())
    for kind in DEADLINE_KINDS:
        due: date = getattr(result, kind)
        click.echo(f"  {LABELS_RU[kind]:<{width}}  {due:%d.%m.%Y} {WEEKDAYS_RU[due.weekday()]}")
