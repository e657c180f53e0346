"""Fixtures for search tests: a handful of articles and a checklist in tmp_path, the real default embedder."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import pytest

# Nothing may come from a model hub: loading must work offline.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"

ARTICLES = {
    "annual-leave": (
        "Ежегодный оплачиваемый отпуск: сколько дней положено",
        [
            "Сколько дней отпуска положено в год?",
            "Не дают отпуск уже два года",
            "Можно ли не ходить в отпуск",
        ],
        ["leave"],
        ["ТК РФ ст. 114", "ТК РФ ст. 115"],
        "**Коротко:** каждому работнику положен ежегодный оплачиваемый отпуск не менее 28 календарных дней "
        "(ст. 115 ТК РФ).\n\n## Подробнее\nОтпуск предоставляется ежегодно по графику отпусков. Не "
        "предоставлять отпуск два года подряд запрещено. Работникам до 18 лет положен 31 день.\n\n"
        "## Что делать\n1. Напишите заявление на отпуск.\n2. Если отказали, пожалуйтесь в трудовую инспекцию.",
    ),
    "dismissal-own-wish": (
        "Увольнение по собственному желанию",
        [
            "Как уволиться по собственному желанию?",
            "Обязательно ли отрабатывать две недели?",
            "Начальник не подписывает заявление на увольнение",
        ],
        ["dismissal"],
        ["ТК РФ ст. 80"],
        "**Коротко:** работник может уволиться, предупредив работодателя письменно за две недели "
        "(ст. 80 ТК РФ).\n\n## Подробнее\nСрок предупреждения начинается на следующий день после получения "
        "заявления. По соглашению сторон уволить можно и раньше.\n\n## Что делать\nОтправьте заявление "
        "письмом с описью вложения, если его не принимают.",
    ),
    "salary-delay": (
        "Задержка зарплаты: компенсация и куда жаловаться",
        [
            "Задерживают зарплату, что делать?",
            "Не платят зарплату второй месяц",
            "Положены ли проценты за задержку зарплаты?",
        ],
        ["wages"],
        ["ТК РФ ст. 136", "ТК РФ ст. 236", "ТК РФ ст. 142"],
        "**Коротко:** зарплату платят не реже двух раз в месяц; за задержку работодатель платит "
        "компенсацию — проценты за каждый день (ст. 236 ТК РФ).\n\n## Подробнее\nПри задержке больше 15 "
        "дней можно приостановить работу, письменно известив работодателя (ст. 142 ТК РФ).\n\n"
        "## Что делать\nПодайте жалобу в трудовую инспекцию или иск в суд.",
    ),
    "overtime-limits": (
        "Сверхурочная работа: пределы и оплата",
        [
            "Сколько часов сверхурочно можно работать?",
            "Заставляют перерабатывать без доплаты",
            "Как оплачиваются переработки?",
        ],
        ["working_time"],
        ["ТК РФ ст. 99", "ТК РФ ст. 152"],
        "**Коротко:** сверхурочная работа — не более 4 часов два дня подряд и 120 часов в год, первые два "
        "часа оплачиваются в полуторном размере, дальше — в двойном (ст. 152 ТК РФ).\n\n## Подробнее\n"
        "Для сверхурочной работы нужно письменное согласие работника.\n\n## Что делать\nВедите свой учёт "
        "часов и требуйте оплату.",
    ),
    "probation-period": (
        "Испытательный срок: сколько длится",
        [
            "Какой максимальный испытательный срок?",
            "Поставили испытательный срок полгода",
            "Можно ли уволить на испытательном сроке?",
        ],
        ["hiring"],
        ["ТК РФ ст. 70", "ТК РФ ст. 71"],
        "**Коротко:** испытание не может превышать трёх месяцев, для руководителей — шести месяцев "
        "(ст. 70 ТК РФ).\n\n## Подробнее\nИспытание устанавливают только в трудовом договоре. Беременным "
        "и работникам до 18 лет испытание не устанавливают.\n\n## Что делать\nПроверьте трудовой договор.",
    ),
}

CHECKLIST = """\
id: leave
title: Отпуска
items:
  - id: leave-28-days
    question: Предоставляется ли ежегодный оплачиваемый отпуск не менее 28 календарных дней?
    ref: ТК РФ ст. 115
    severity: high
    fix: Приведите продолжительность отпуска к установленному минимуму.
    article: annual-leave
"""


def article_text(
    article_id: str, title: str, questions: list[str], categories: list[str], refs: list[str], body: str
) -> str:
    def dump(value: object) -> str:  # JSON is valid YAML and quotes «:» in titles
        return json.dumps(value, ensure_ascii=False)

    return (
        f"---\nid: {article_id}\ntitle: {dump(title)}\nquestions: {dump(questions)}\n"
        f"categories: {dump(categories)}\nrefs: {dump(refs)}\naudience: worker\nupdated: 2026-11-20\n---\n"
        f"{textwrap.dedent(body)}\n"
    )


def write_kb(root: Path, articles: dict[str, tuple] | None = None) -> Path:
    (root / "articles").mkdir(parents=True, exist_ok=True)
    (root / "checklists").mkdir(exist_ok=True)
    for article_id, fields in (articles or ARTICLES).items():
        (root / "articles" / f"{article_id}.md").write_text(
            article_text(article_id, *fields), encoding="utf-8"
        )
    (root / "checklists" / "leave.yaml").write_text(CHECKLIST, encoding="utf-8")
    return root


@pytest.fixture()
def kb_dir(tmp_path: Path) -> Path:
    return write_kb(tmp_path / "kb")


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def embedder(models_dir: Path):  # type: ignore[no-untyped-def]
    from search.embedders import load_embedder

    return load_embedder("", models_dir)


@pytest.fixture()
def config(tmp_path: Path, kb_dir: Path, models_dir: Path):  # type: ignore[no-untyped-def]
    from search.config import SearchConfig

    return SearchConfig(index_dir=tmp_path / "index", content_dir=kb_dir, models_dir=models_dir)
