"""Table-driven checks of the reusable validators."""

from __future__ import annotations

import pytest

from nlp.facts import normalise_phone, validate_inn, validate_ogrn


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("7707083893", True),  # Сбербанк
        ("7736207543", True),  # Яндекс
        ("500100732259", True),  # a person's ИНН
        ("7707083894", False),  # wrong control digit
        ("500100732258", False),  # wrong second control digit
        ("500100732269", False),  # wrong first control digit
        ("770708389", False),  # 9 digits
        ("77070838930", False),  # 11 digits
        ("77070838a3", False),
        ("", False),
        ("７７０７０８３８９３", False),  # full-width digits are not an ИНН
    ],
)
def test_inn_checksum(value: str, valid: bool) -> None:
    assert validate_inn(value) is valid


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("1027700132195", True),  # ОГРН Сбербанка
        ("1027700229193", True),  # ОГРН Яндекса
        ("1027700132196", False),
        ("304500116000157", True),  # ОГРНИП
        ("304500116000158", False),
        ("0027700132195", False),
        ("102770013219", False),
        ("abc", False),
    ],
)
def test_ogrn_checksum(value: str, valid: bool) -> None:
    assert validate_ogrn(value) is valid


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("+7 (916) 123-45-67", "+79161234567"),
        ("8 916 123 45 67", "+79161234567"),
        ("89161234567", "+79161234567"),
        ("+79161234567", "+79161234567"),
        ("8 (843) 222-33-44", "+78432223344"),
        ("9161234567", "+79161234567"),
        ("+1 650 253 0000", None),
        ("12345", None),
        ("8 123 456 78 90", None),  # no Russian code starts with 1
        ("тел. 8916", None),
    ],
)
def test_normalise_phone(raw: str, e164: str | None) -> None:
    assert normalise_phone(raw) == e164
