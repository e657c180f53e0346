"""Jurisdiction decisions."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

import kb_content
from routing.jurisdiction import arrears_months_from_text, bodies, decide_jurisdiction, table

TAXONOMY = [
    row["code"] for row in yaml.safe_load(kb_content.path("taxonomy.yaml").read_text(encoding="utf-8"))
]


def test_every_taxonomy_category_is_in_the_table() -> None:
    assert set(table()["categories"]) == set(TAXONOMY)


def test_every_referenced_body_exists() -> None:
    known = set(bodies())
    categories = table()["categories"]
    referenced = {c["body"] for c in categories.values() if "body" in c}
    referenced |= {r["body"] for r in categories["out_of_scope"]["rules"]}
    referenced |= set(categories["benefits"]["employer_duty"]["also_notify"])
    referenced |= set(table()["criminal_wage_arrears"]["notify"])
    assert referenced <= known


@pytest.mark.parametrize(
    "category",
    [
        "final_pay",
        "informal_employment",
        "dismissal",
        "working_time",
        "leave",
        "wage_amount",
        "occupational_safety",
        "workplace_accident",
        "employment_records",
        "discrimination",
    ],
)
def test_labour_matters_stay(category: str) -> None:
    decision = decide_jurisdiction(category, "какой-то текст", {})
    assert (decision.action, decision.body, decision.legal_term_days) == ("stay", "inspection", 30)
    assert decision.also_notify == [] and decision.reason_ru


CASES: list[tuple[str, str, dict[str, Any] | None, str, str, list[str]]] = [
    # category, text, facts -> action, body, also_notify
    ("wage_arrears", "Зарплату задерживают на две недели", None, "stay", "inspection", []),
    (
        "wage_arrears",
        "Не платят зарплату уже три месяца",
        None,
        "stay_and_notify",
        "inspection",
        ["prosecutor"],
    ),
    ("wage_arrears", "Полгода без зарплаты", None, "stay_and_notify", "inspection", ["prosecutor"]),
    ("wage_arrears", "Не платят два месяца", None, "stay", "inspection", []),  # "over two months"
    ("wage_arrears", "", {"arrears_months": 2.5}, "stay_and_notify", "inspection", ["prosecutor"]),
    ("wage_arrears", "", {"arrears_months": 2.5, "arrears_full": False}, "stay", "inspection", []),
    (
        "wage_arrears",
        "",
        {"arrears_months": 4, "arrears_full": False},
        "stay_and_notify",
        "inspection",
        ["prosecutor"],
    ),
    ("wage_arrears", "не платят 5 месяцев", {"arrears_months": 1}, "stay", "inspection", []),  # facts win
    ("benefits", "Не выплатили пособие по уходу за ребёнком", None, "redirect", "sfr", []),
    (
        "benefits",
        "Работодатель не оплатил первые три дня больничного",
        None,
        "stay_and_notify",
        "inspection",
        ["sfr"],
    ),
    (
        "benefits",
        "Больничный не оплачен: работодатель не передал сведения в фонд",
        None,
        "stay_and_notify",
        "inspection",
        ["sfr"],
    ),
    (
        "out_of_scope",
        "Управляющая компания не делает ремонт в подъезде, нет отопления",
        None,
        "redirect",
        "gzhi",
        [],
    ),
    (
        "out_of_scope",
        "В магазине продали просроченный товар, не хотят возвращать деньги",
        None,
        "redirect",
        "rospotrebnadzor",
        [],
    ),
    ("out_of_scope", "Почему мне не пересчитали пенсию", None, "redirect", "sfr", []),
    ("out_of_scope", "Сосед угрожает мне и моей семье", None, "redirect", "police", []),
    ("out_of_scope", "Как подать на алименты и развод", None, "redirect", "court", []),
    ("out_of_scope", "Не могу получить налоговый вычет за лечение", None, "redirect", "fns", []),
    ("out_of_scope", "Чиновник администрации требует взятку", None, "redirect", "prosecutor", []),
    (
        "out_of_scope",
        "Как встать на учёт как безработный и получать пособие",
        None,
        "redirect",
        "employment_service",
        [],
    ),
    ("out_of_scope", "Коллекторы звонят по ночам", None, "redirect", "fssp", []),
    ("out_of_scope", "Не продлевают патент на работу", None, "redirect", "migration", []),
    ("out_of_scope", "ЁЖИКИ В ТУМАНЕ", None, "stay", "inspection", []),
]


@pytest.mark.parametrize(("category", "text", "facts", "action", "body", "also"), CASES)
def test_decisions(
    category: str, text: str, facts: dict[str, Any] | None, action: str, body: str, also: list[str]
) -> None:
    decision = decide_jurisdiction(category, text, facts)
    assert (decision.action, decision.body, decision.also_notify) == (action, body, also)


def test_redirect_message_names_the_body_and_why() -> None:
    decision = decide_jurisdiction("out_of_scope", "Управляющая компания завысила квартплату", {})
    assert decision.legal_term_days == 7 and decision.forward
    assert "государственную жилищную инспекцию" in decision.reason_ru
    assert "так как" in decision.reason_ru and "59-ФЗ" in decision.reason_ru
    assert decision.body_name_ru.startswith("Государственная жилищная инспекция")
    assert "квартплат" in decision.matched_keywords


def test_court_is_explained_not_forwarded() -> None:
    decision = decide_jurisdiction("out_of_scope", "Хочу разделить имущество после развода", {})
    assert decision.body == "court" and not decision.forward
    assert decision.legal_term_days == 30
    assert "не может переслать" in decision.reason_ru


def test_prosecutor_reason_cites_the_criminal_code() -> None:
    decision = decide_jurisdiction("wage_arrears", "", {"arrears_months": 3})
    assert "145.1 УК РФ" in decision.reason_ru


def test_unknown_keywords_need_review() -> None:
    decision = decide_jurisdiction("out_of_scope", "", {})
    assert decision.needs_review and decision.action == "stay"


def test_keywords_match_word_starts_only() -> None:
    # «налог» must not match inside «аналогичный».
    assert decide_jurisdiction("out_of_scope", "аналогичный случай", {}).needs_review


def test_most_hits_wins() -> None:
    text = "В магазине у дома продали брак, товар не меняют, продавец хамит; а в подъезде грязь"
    assert decide_jurisdiction("out_of_scope", text, {}).body == "rospotrebnadzor"


def test_unknown_category() -> None:
    with pytest.raises(ValueError):
        decide_jurisdiction("nonsense", "", {})


def test_as_dict_is_json_ready() -> None:
    data = decide_jurisdiction("benefits", "первые три дня не оплатили", {}).as_dict()
    assert data["action"] == "stay_and_notify" and data["also_notify"] == ["sfr"]


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("не платят 3 месяца", 3.0),
        ("задолженность за два месяца, а премию не платят четыре месяца", 4.0),
        ("уже более года не платят", 12.0),
        ("полгода", 6.0),
        ("2,5 месяца", 2.5),
        ("зарплату задерживают", None),
    ],
)
def test_arrears_months_from_text(text: str, months: float | None) -> None:
    assert arrears_months_from_text(text) == months


@pytest.mark.parametrize(
    ("flag", "text", "body", "reason_word", "labour"),
    [
        # the analysis doubts the out_of_scope reading
        (
            "doubtful",
            "Почему мне не пересчитали пенсию",
            "sfr",
            "инспектор",
            ("leave", "Не дают отпуск", "stay", "inspection"),
        ),
        # a passer-by's report of a danger to workers: the shop's words would send it to Rospotrebnadzor
        (
            "urgent",
            "Проходила мимо магазина: рабочие на крыше без страховки, вот-вот сорвутся",
            "rospotrebnadzor",
            "угрозе жизни",
            ("benefits", "Не оплатили больничный", "redirect", "sfr"),
        ),
    ],
)
def test_a_doubted_or_urgent_out_of_scope_problem_stays_for_an_inspector(
    flag: str, text: str, body: str, reason_word: str, labour: tuple[str, str, str, str]
) -> None:
    unflagged = decide_jurisdiction("out_of_scope", text)
    assert unflagged.action == "redirect" and unflagged.body == body
    kept = decide_jurisdiction("out_of_scope", text, **{flag: True})
    assert kept.action == "stay" and kept.needs_review and kept.body == "inspection"
    assert reason_word in kept.reason_ru
    # a labour category is routed as before
    category, labour_text, action, labour_body = labour
    routed = decide_jurisdiction(category, labour_text, **{flag: True})
    assert (routed.action, routed.body) == (action, labour_body)
