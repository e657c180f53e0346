"""Employer name normalisation and matching."""

from __future__ import annotations

import pytest

from routing.employer import (
    EmployerCandidate,
    EmployerRef,
    inn_checksum_ok,
    match_employer,
    normalise_employer_name,
    normalise_inn,
)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ('ООО "Ромашка"', "Ромашка ООО"),
        ("ООО «Ромашка»", "Общество с ограниченной ответственностью «Ромашка»"),
        ("  ооо   'РОМАШКА' ", "Ромашка"),
        ("ПАО «Сбербанк»", "Публичное акционерное общество Сбербанк"),
        ("АО «Ёлка»", "Акционерное общество “Елка”"),
        ("ИП Иванов Иван Иванович", "Индивидуальный предприниматель Иванов Иван Иванович"),
        ("ООО «Альфа-Строй»", "Альфа Строй"),
        ("МУП «Водоканал»", "Муниципальное унитарное предприятие „Водоканал“"),
    ],
)
def test_same_names(a: str, b: str) -> None:
    assert normalise_employer_name(a) == normalise_employer_name(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("ООО «Ромашка»", "ООО «Ромашка-2»"), ("ООО «Альфа»", "ООО «Бета»"), ("Ромашка Плюс", "Ромашка")],
)
def test_different_names(a: str, b: str) -> None:
    assert normalise_employer_name(a) != normalise_employer_name(b)


def test_example_from_the_issue() -> None:
    assert normalise_employer_name('ООО "Ромашка"') == normalise_employer_name("Ромашка ООО") == "ромашка"


def test_legal_form_only_is_kept() -> None:
    assert normalise_employer_name("ООО") == "ооо"


def test_inn() -> None:
    assert normalise_inn(" 7707 083893 ") == "7707083893"
    assert normalise_inn("12345") is None and normalise_inn(None) is None
    assert inn_checksum_ok("7707083893") and not inn_checksum_ok("7707083894")
    assert inn_checksum_ok("500100732259")


EXISTING = [
    EmployerRef(1, "ООО «Ромашка»", "7707083893", "Москва"),
    EmployerRef(2, "ООО «Ромашка»", None, "Республика Татарстан"),
    EmployerRef(3, "АО «Вектор»", None, "Москва"),
    EmployerRef(4, "Вектор АО", None, "Москва"),
    EmployerRef(5, "ООО «Заря»", "1655000000", "Москва"),
]


@pytest.mark.parametrize(
    ("candidate", "employer_id", "by"),
    [
        (EmployerCandidate("Какое-то другое название", "7707083893", "Республика Коми"), 1, "inn"),
        (EmployerCandidate("Ромашка ООО", None, "Республика Татарстан"), 2, "name"),
        (EmployerCandidate("ромашка", None, "Москва"), 1, "name"),
        (EmployerCandidate("Ромашка", None, "Республика Коми"), None, None),  # other region
        (EmployerCandidate("Ромашка", "1655000000", "Республика Татарстан"), 5, "inn"),
        # Different INN than the same-named employer: another legal entity.
        (EmployerCandidate("ООО Заря", "7701000000", "Москва"), None, None),
        # An INN not known yet, name matches an employer without INN: the same employer.
        (EmployerCandidate("Ромашка", "1600000000", "Республика Татарстан"), 2, "name"),
        (EmployerCandidate("ООО «Лютик»", None, "Москва"), None, None),
    ],
)
def test_match(candidate: EmployerCandidate, employer_id: int | None, by: str | None) -> None:
    match = match_employer(candidate, EXISTING)
    assert (match.employer_id, match.by) == (employer_id, by)
    assert match.explanation_ru


def test_ambiguous_name_takes_lowest_id_and_reports_the_rest() -> None:
    match = match_employer({"name": "Вектор", "inn": None, "region": "Москва"}, list(reversed(EXISTING)))
    assert (match.employer_id, match.by, match.other_ids) == (3, "name", (4,))


def test_region_by_id() -> None:
    existing = [EmployerRef(7, "ООО «Ромашка»", None, 16)]
    assert match_employer(EmployerCandidate("Ромашка", None, 16), existing).employer_id == 7
    assert match_employer(EmployerCandidate("Ромашка", None, 2), existing).employer_id is None


def test_new_employer_when_nothing_exists() -> None:
    match = match_employer(EmployerCandidate("ООО «Ромашка»"), [])
    assert match.employer_id is None and match.by is None and match.normalised_name == "ромашка"
