"""End to end in a real browser (Debian's chromium + chromedriver, driven by selenium) against uvicorn.

Skipped with a reason when selenium or the browser is missing (scripts/setup installs them when root).
Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from portal import knowledge
from portal.container import Container
from portal.demo import DEMO_PASSWORD
from portal.models import Case, Inspector, User
from tests.conftest import REPO_ROOT

ARTIFACTS = REPO_ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")

try:
    from selenium import webdriver
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError:  # pragma: no cover - depends on the machine
    webdriver = None  # type: ignore[assignment]

pytestmark = pytest.mark.skipif(
    webdriver is None or not CHROMIUM or not CHROMEDRIVER,
    reason="no browser: needs selenium (pip) and Debian's chromium + chromium-driver (scripts/setup as root)",
)

COMPLAINT = (
    "Работаю продавцом в ООО «Ромашка» в Волгограде. Работодатель не платит зарплату уже два месяца, "
    "задолжал 80 000 рублей, обещает заплатить потом."
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """uvicorn serving the app on a loopback port in a background thread."""

    def __init__(self, container: Container) -> None:
        import uvicorn

        from portal.web.app import create_app

        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            create_app(container.settings, run_worker=False),
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
async def live(container: Container) -> AsyncIterator[LiveServer]:
    # As a serving portal does at start: the knowledge-base index is open before the first reader arrives.
    await asyncio.to_thread(knowledge.backend_for, knowledge.search_config(container.settings))
    with LiveServer(container) as server:
        yield server


@pytest.fixture
def browser() -> Iterator[Any]:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    profile = tempfile.mkdtemp(prefix="trudnadzor-chromium-")
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1200,1400",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    os.environ.setdefault("SE_AVOID_STATS", "true")  # selenium must not call home
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=CHROMEDRIVER))
    driver.implicitly_wait(0)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def shot(driver: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))


def wait_for(driver: Any, css: str, timeout: float = 10) -> Any:
    return WebDriverWait(driver, timeout).until(ec.visibility_of_element_located((By.CSS_SELECTOR, css)))


async def in_browser(function: Any, *args: Any) -> Any:
    """Selenium blocks: run it off the event loop that the test (and the worker) share."""
    return await asyncio.to_thread(function, *args)


def sign_in(driver: Any, base: str, login: str) -> None:
    driver.get(f"{base}/login")
    driver.find_element(By.ID, "login").send_keys(login)
    driver.find_element(By.ID, "password").send_keys(DEMO_PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click()
    WebDriverWait(driver, 10).until(lambda d: "/login" not in d.current_url)


def file_complaint(driver: Any, base: str) -> tuple[str, str]:
    driver.get(f"{base}/complaint")
    text = driver.find_element(By.ID, "text")
    text.send_keys(COMPLAINT)
    # While typing, matching answers from the knowledge base appear (HTMX).
    wait_for(driver, "#suggest .suggest")
    shot(driver, "01-complaint-step1-with-kb-suggestions")
    driver.find_element(By.ID, "step-next").click()
    driver.find_element(By.ID, "employer_name").send_keys("ООО «Ромашка»")
    driver.find_element(By.CSS_SELECTOR, "#region option[value='34']").click()
    driver.find_element(By.ID, "step-next").click()
    driver.find_element(By.ID, "contact_name").send_keys("Иван")
    driver.find_element(By.ID, "contact_email").send_keys("ivan@example.org")
    driver.find_element(By.ID, "confidential").click()
    driver.find_element(By.ID, "step-next").click()
    assert not driver.find_element(By.ID, "step-what").is_displayed()  # one step at a time with JS
    driver.find_element(By.ID, "consent").click()
    shot(driver, "02-complaint-last-step")
    driver.find_element(By.ID, "submit").click()
    number = wait_for(driver, "#tracking-number").text
    code = driver.find_element(By.ID, "access-code").text
    shot(driver, "03-complaint-accepted")
    return number, code


def track(driver: Any, base: str, number: str, code: str) -> str:
    driver.get(f"{base}/track")
    wait_for(driver, "#number").send_keys(number)
    driver.find_element(By.ID, "code").send_keys(code)
    driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    return str(wait_for(driver, "#status").text)


def close_case(driver: Any, base: str, login: str, case_id: int) -> None:
    sign_in(driver, base, login)
    assert "/staff/queue" in driver.current_url
    driver.find_element(By.CSS_SELECTOR, f"a[href='/staff/cases/{case_id}']").click()
    wait_for(driver, "#original-text mark.problem")
    assert "ivan@example.org" not in driver.page_source  # confidential: the identity is hidden
    shot(driver, "05-inspector-case-page")
    driver.find_element(By.ID, "accept").click()
    wait_for(driver, "#close")
    driver.find_element(By.ID, "outcome-violation_confirmed").click()
    driver.find_element(By.CSS_SELECTOR, ".template-btn").click()  # start from the answer template
    answer = driver.find_element(By.ID, "answer")
    answer.send_keys(" Работодателю выдано предписание выплатить долг до 15 декабря.")
    driver.find_element(By.ID, "close").click()
    wait_for(driver, "#answer-text")
    shot(driver, "06-inspector-closed-case")
    driver.find_element(By.CSS_SELECTOR, "header form button").click()  # sign out: back to the home page
    WebDriverWait(driver, 10).until(lambda d: "/staff/" not in d.current_url)
    wait_for(driver, "header a[href='/login']")  # signed out before the next page loads


async def _route_without_nlp(container: Container, complaint_number: str) -> None:
    """Fallback when the NLP package is missing: split and route through the test factories."""
    from portal import audit
    from portal.models import Complaint, Problem
    from portal.states import ComplaintStatus
    from tests.portal.factories import route

    async with container.sessions.begin() as session:
        complaint = await session.scalar(
            sa.select(Complaint).where(Complaint.tracking_number == complaint_number)
        )
        assert complaint is not None
        session.add(
            Problem(
                complaint_id=complaint.id,
                position=0,
                start=0,
                end=len(complaint.text),
                text=complaint.text,
                category="wage_arrears",
                confidence=0.9,
            )
        )
        await audit.set_complaint_status(session, complaint, ComplaintStatus.ANALYSED, audit.SYSTEM)
        complaint_id = complaint.id
    await route(container, complaint_id)


async def run_jobs(container: Container, rounds: int = 3) -> None:
    """Run the queue dry; a job that failed once (e.g. a busy SQLite file) is retried now, not after backoff."""
    from portal.models import Job, JobState, utcnow

    for _ in range(rounds):
        await container.worker().run_until_idle()
        async with container.sessions.begin() as session:
            retried = await session.execute(
                sa.update(Job).where(Job.state == JobState.QUEUED, Job.attempts > 0).values(run_at=utcnow())
            )
        if not retried.rowcount:  # type: ignore[attr-defined]
            return


async def test_citizen_files_and_follows_a_complaint_to_the_inspectors_answer(
    live: LiveServer, browser: Any, container: Container
) -> None:
    number, code = await in_browser(file_complaint, browser, live.url)
    try:
        import nlp  # noqa: F401

        await run_jobs(container)  # NLP analysis and routing, as in production
    except ImportError:
        await _route_without_nlp(container, number)
    status = await in_browser(track, browser, live.url, number, code)
    if "Государственная инспекция труда в Волгоградской области" not in status:
        from portal.models import Job

        async with container.sessions() as session:
            errors = (await session.execute(sa.select(Job.kind, Job.state, Job.last_error))).all()
        pytest.fail(f"not routed: {status}\njobs: {errors}")
    await in_browser(shot, browser, "04-tracking-routed")

    async with container.sessions() as session:
        case_id, login = (
            await session.execute(
                sa.select(Case.id, User.login)
                .join(Inspector, Inspector.id == Case.inspector_id)
                .join(User, User.id == Inspector.user_id)
                .order_by(Case.id.desc())
            )
        ).first()  # type: ignore[misc]
    await in_browser(close_case, browser, live.url, login, case_id)

    status = await in_browser(track, browser, live.url, number, code)
    assert "Работодателю выдано предписание" in status and "Дан ответ" in status, status
    await in_browser(shot, browser, "07-tracking-answer")


def _self_check(driver: Any, base: str) -> str:
    sign_in(driver, base, "employer")
    driver.get(f"{base}/self-check")
    driver.find_element(By.CSS_SELECTOR, "ul.cards a").click()
    radios = driver.find_elements(By.CSS_SELECTOR, "input[type=radio][value=yes]")
    for radio in radios:
        driver.execute_script("arguments[0].click()", radio)
    driver.execute_script(
        "arguments[0].click()", driver.find_element(By.CSS_SELECTOR, "input[type=radio][value=no]")
    )
    driver.find_element(By.ID, "assess").click()
    summary = wait_for(driver, "#summary").text
    assert driver.find_element(By.ID, "download").is_displayed()
    shot(driver, "08-self-check-report")
    driver.get(f"{base}/self-check")
    assert "Ваши прошлые самопроверки" in driver.page_source
    return str(summary)


async def test_employer_completes_a_self_check(live: LiveServer, browser: Any) -> None:
    summary = await in_browser(_self_check, browser, live.url)
    assert "Выявлено 1 нарушение" in summary, summary


def _kb(driver: Any, base: str) -> str:
    driver.get(f"{base}/kb")
    field = driver.find_element(By.ID, "q")
    field.send_keys("Когда должны выплатить расчёт при увольнении?")
    field.submit()
    wait_for(driver, "#results li a").click()
    title = wait_for(driver, "main h1").text
    shot(driver, "09-kb-article")
    driver.find_element(By.CSS_SELECTOR, "button[name=helpful][value=yes]").click()
    wait_for(driver, "#feedback-thanks")
    return str(title)


async def test_kb_search_answers_a_question(live: LiveServer, browser: Any) -> None:
    title = await in_browser(_kb, browser, live.url)
    assert "расчёт при увольнении" in title.lower(), title


def _no_js_submit(driver: Any, base: str) -> str:
    # With JavaScript off every step is on one page and the form is one POST.
    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    driver.get(f"{base}/complaint")
    assert driver.find_element(By.ID, "consent").is_displayed()
    driver.find_element(By.ID, "text").send_keys(COMPLAINT)
    driver.find_element(By.ID, "contact_phone").send_keys("+7 912 345-67-89")
    driver.find_element(By.ID, "consent").click()
    driver.find_element(By.ID, "submit").click()
    return str(wait_for(driver, "#tracking-number").text)


async def test_complaint_form_works_without_javascript(live: LiveServer, browser: Any) -> None:
    number = await in_browser(_no_js_submit, browser, live.url)
    assert re.fullmatch(r"\d{2}-\d{4}-\d{4}-\d", number)


UNLABELLED = """
return Array.from(document.querySelectorAll('input, select, textarea'))
  .filter(e => e.type !== 'hidden' && !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))
  .map(e => e.name || e.id);
"""


def _phone(driver: Any, base: str) -> dict[str, Any]:
    driver.set_window_size(390, 844)
    found: dict[str, Any] = {}
    for path in ("/", "/complaint", "/track", "/kb?q=отпуск", "/self-check", "/stats", "/login"):
        driver.get(f"{base}{path}")
        overflow = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        found[path] = {"overflow_px": overflow, "unlabelled": driver.execute_script(UNLABELLED)}
        if path == "/complaint":
            shot(driver, "10-phone-complaint-form")
    return found


async def test_public_pages_fit_a_phone_and_label_every_field(live: LiveServer, browser: Any) -> None:
    found = await in_browser(_phone, browser, live.url)
    for path, result in found.items():
        assert result["overflow_px"] <= 1, (path, result)
        assert result["unlabelled"] == [], (path, result)
