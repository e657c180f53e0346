"""PII masking for public views."""

from __future__ import annotations

import pytest

from nlp.pii import mask_pii


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("Я, Иванова Мария Петровна, прошу", "Я, [ФИО], прошу"),
        ("звоните +7 (916) 123-45-67", "звоните [телефон]"),
        ("почта maria@mail.ru.", "почта [e-mail]."),
        ("живу: ул. Ленина, д. 5, кв. 12.", "живу: [адрес]."),
        ("директор Петров А.А. кричит", "директор [ФИО] кричит"),
        ("ИП Сидоров В.В. не платит", "ИП [ФИО] не платит"),
        ("СНИЛС 123-456-789 01", "СНИЛС [СНИЛС]"),
        ("мой ИНН 500100732259", "мой ИНН [ИНН]"),
        ("карта 4276 1234 5678 9012", "карта [номер карты]"),
        # organisations, their ИНН and places stay
        ("ООО «Ромашка» (ИНН 7707083893), г. Казань", "ООО «Ромашка» (ИНН 7707083893), г. Казань"),
    ],
)
def test_mask(text: str, masked: str) -> None:
    assert mask_pii(text) == masked


def test_mask_with_ner_catches_more_names() -> None:
    assert "[ФИО]" in mask_pii("Начальник цеха Кузнецов орёт на всех", use_ner=True)
