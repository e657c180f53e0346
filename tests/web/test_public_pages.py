"""Public pages: complaint form (one POST without JS), result, tracking, KB, self-check, statistics."""

from __future__ import annotations

import re

import sqlalchemy as sa

from portal.container import Container
from portal.models import KbFeedback
from tests.web.conftest import Client, csrf, routed_case

TEXT = "Работодатель не платит зарплату уже два месяца, долг 80 000 рублей, расчётных листков не дают."


def _form(token: str, **overrides: str) -> dict[str, str]:
    data = {
        "_csrf_token": token,
        "text": TEXT,
        "employer_name": "ООО Ромашка",
        "employer_inn": "",
        "employer_address": "Волгоград, ул. Мира, 1",
        "region": "34",
        "contact_name": "Иван",
        "contact_email": "ivan@example.org",
        "contact_phone": "",
        "consent": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


async def test_pages_render_in_russian(client: Client) -> None:
    for path in ("/", "/complaint", "/track", "/kb", "/self-check", "/stats", "/login"):
        response = await client.get(path)
        assert response.status_code == 200, path
        assert 'lang="ru"' in response.text and "Перейти к содержанию" in response.text, path
    form = (await client.get("/complaint")).text
    assert form.count("<option value=") >= 89  # every subject of the RF
    assert 'for="consent"' in form and "152-ФЗ" in form and "Не сообщать работодателю" in form


async def test_static_files_are_served(client: Client) -> None:
    assert (await client.get("/static/app.css")).status_code == 200
    htmx = await client.get("/static/htmx.min.js")
    assert htmx.status_code == 200 and "htmx" in htmx.text[:200]


async def test_file_a_complaint_with_one_post_and_track_it(client: Client) -> None:
    token = await csrf(client, "/complaint")
    files = {"attachments": ("справка.txt", "Задолженность по зарплате: 80 000 руб.".encode(), "text/plain")}
    response = await client.post("/complaint", data=_form(token), files=files, follow_redirects=False)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/complaint/done"
    done = await client.get("/complaint/done")
    number = re.search(r'id="tracking-number">([^<]+)<', done.text).group(1)  # type: ignore[union-attr]
    code = re.search(r'id="access-code">([^<]+)<', done.text).group(1)  # type: ignore[union-attr]
    assert "30 дней" in done.text
    # The code is shown once: a reload does not show it again.
    again = await client.get("/complaint/done", follow_redirects=False)
    assert again.status_code == 303
    tracked = await client.post("/track", data={"_csrf_token": token, "number": number, "code": code})
    assert tracked.status_code == 200 and "Зарегистрировано" in tracked.text
    assert "ivan@example.org" not in tracked.text


async def test_complaint_form_errors_are_shown_in_russian(client: Client) -> None:
    token = await csrf(client, "/complaint")
    data = _form(token, text="коротко", contact_email="", employer_inn="123")
    data.pop("consent")
    response = await client.post(
        "/complaint", data=data, files={"attachments": ("a.exe", b"MZ\x90\x00\x03", "x")}
    )
    assert response.status_code == 422
    text = response.text
    assert "Опишите, что произошло, подробнее" in text
    assert "Без согласия на обработку персональных данных" in text
    assert "Укажите электронную почту или телефон" in text
    assert "ИНН работодателя" in text
    assert "не принят" in text  # the executable is refused by its content
    assert "коротко" in text  # what was typed is kept


async def test_complaint_form_needs_csrf(client: Client) -> None:
    response = await client.post("/complaint", data=_form("forged"))
    assert response.status_code == 403


async def test_wrong_code_and_unknown_number_look_the_same(client: Client, container: Container) -> None:
    token = await csrf(client, "/track")
    await routed_case(container)
    wrong = await client.post(
        "/track", data={"_csrf_token": token, "number": "26-000000-0", "code": "AAAA-BBBB"}
    )
    assert wrong.status_code == 404 and 'id="not-found"' in wrong.text
    empty = await client.post("/track", data={"_csrf_token": token, "number": "", "code": ""})
    assert empty.status_code == 404


async def test_kb_search_article_and_feedback(client: Client, container: Container) -> None:
    page = await client.get("/kb", params={"q": "не выплатили расчёт при увольнении"})
    assert page.status_code == 200
    link = re.search(r'href="(/kb/[a-z0-9-]+)"', page.text.split('id="results"')[1])
    assert link, page.text
    article = await client.get(link.group(1))
    assert article.status_code == 200 and "ТК РФ" in article.text and "Помог ли ответ?" in article.text
    token = await csrf(client, link.group(1))
    thanks = await client.post(f"{link.group(1)}/feedback", data={"_csrf_token": token, "helpful": "yes"})
    assert thanks.status_code == 200 and "feedback-thanks" in thanks.text
    async with container.sessions() as session:
        stored = (await session.scalars(sa.select(KbFeedback))).all()
    assert [(f.article_id, f.helpful) for f in stored] == [(link.group(1).removeprefix("/kb/"), True)]
    assert (await client.get("/kb/no-such-article")).status_code == 404
    assert (await client.get("/kb/..%2F..%2Fetc")).status_code == 404
    nothing = await client.get("/kb", params={"q": "кукуруза абракадабра"})
    assert 'id="no-answer"' in nothing.text


async def test_kb_suggestions_while_typing(client: Client) -> None:
    partial = await client.get(
        "/kb/suggest", params={"text": "уволили, а расчёт при увольнении не выплатили"}
    )
    assert partial.status_code == 200 and "Возможно, здесь уже есть ответ" in partial.text
    assert "<html" not in partial.text  # a fragment for HTMX
    short = await client.get("/kb/suggest", params={"text": "зарплата"})
    assert short.text.strip() == ""


async def test_self_check_report_and_download(client: Client) -> None:
    listing = await client.get("/self-check")
    checklist_id = re.search(r'href="/self-check/([a-z0-9-]+)"', listing.text).group(1)  # type: ignore[union-attr]
    form = await client.get(f"/self-check/{checklist_id}")
    items = sorted(set(re.findall(r'name="q_([a-z0-9-]+)"', form.text)))
    token = re.search(r'name="_csrf_token" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
    answers = {f"q_{item}": "yes" for item in items}
    answers[f"q_{items[0]}"] = "no"
    report = await client.post(f"/self-check/{checklist_id}", data={"_csrf_token": token, **answers})
    assert report.status_code == 200
    assert "Выявлено 1 нарушение" in report.text and "Как исправить" in report.text
    download = await client.post(
        f"/self-check/{checklist_id}", data={"_csrf_token": token, **answers, "download": "1"}
    )
    assert download.headers["content-disposition"].startswith("attachment")
    assert "<style>" in download.text and "Как исправить" in download.text
    partial = await client.post(
        f"/self-check/{checklist_id}", data={"_csrf_token": token, f"q_{items[0]}": "yes"}
    )
    assert partial.status_code == 422 and "Нет ответов на вопросы" in partial.text
    assert (await client.get("/self-check/no-such-list")).status_code == 404


async def test_employer_self_checks_are_kept_in_history(client: Client) -> None:
    from tests.web.conftest import sign_in

    token = await sign_in(client, "employer")
    checklist_id = re.search(  # type: ignore[union-attr]
        r'href="/self-check/([a-z0-9-]+)"', (await client.get("/self-check")).text
    ).group(1)
    form = await client.get(f"/self-check/{checklist_id}")
    answers = {f"q_{i}": "yes" for i in set(re.findall(r'name="q_([a-z0-9-]+)"', form.text))}
    assert (
        await client.post(f"/self-check/{checklist_id}", data={"_csrf_token": token, **answers})
    ).status_code == 200
    assert "Ваши прошлые самопроверки" in (await client.get("/self-check")).text


async def test_statistics_and_open_data(client: Client, container: Container) -> None:
    for _ in range(3):
        await routed_case(container)
    page = await client.get("/stats")
    assert page.status_code == 200 and "<td>3</td>" in page.text
    csv_text = (await client.get("/stats/open-data.csv")).text
    assert csv_text.splitlines()[0] == "month,region,category,category_name,problems"
    assert "Волгоградская область,wage_arrears" in csv_text
    rows = (await client.get("/stats/open-data.json")).json()["rows"]
    assert rows and all("contact" not in row for row in rows)


async def test_statistics_show_small_groups_as_hidden_not_as_zero(
    client: Client, container: Container
) -> None:
    await routed_case(container)
    page = (await client.get("/stats")).text
    row = re.search(r"<td>Волгоградская область</td><td>(.*?)</td>", page)
    assert row and "только малые группы (меньше 3)" in row.group(1) and "0" not in row.group(1)


async def test_unknown_page_says_so_once_in_russian_and_points_back(client: Client) -> None:
    page = await client.get("/no-such-page", headers={"Accept": "text/html"})
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]
    assert page.text.count("Страница не найдена") == 2  # the <title> and the heading, not a third time
    assert "выберите раздел в меню" in page.text and 'href="/"' in page.text
