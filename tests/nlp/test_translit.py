"""Russian written in Latin letters is read in Cyrillic; problems still point into the original."""

from __future__ import annotations

import pytest

from nlp import Analyzer
from nlp.translit import looks_translit, to_cyrillic

TRANSLIT = (
    'zarplatu ne platyat uzhe 2 mesyaca, ooo "severnyi potok" g. murmansk, nas 14 chelovek na sudoremonte, '
    "pishu translitom izvinite telefon ne russkiy"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (TRANSLIT, True),
        ("Rabotayu v magazine, mne ne dayut otpusk uzhe dva goda", True),
        ("Hello, my salary has not been paid for two months, please help.", False),
        ("Работаю в ООО «Ромашка», зарплату не платят.", False),
        ("ok", False),
    ],
)
def test_detection(text: str, expected: bool) -> None:
    assert looks_translit(text) is expected


def test_reading_and_offsets() -> None:
    cyrillic, index = to_cyrillic("Moy muzh, raschet i zhena")
    assert cyrillic == "Мой муж, расчет и жена"
    assert len(index) == len(cyrillic) + 1
    assert index[cyrillic.index("муж")] == 4


def test_pipeline_reads_translit(analyzer: Analyzer) -> None:
    result = analyzer.analyze(TRANSLIT)
    assert "wage_arrears" in result.categories
    assert result.facts.region == "Мурманская область"
    assert result.facts.workers_affected == 14
    assert result.urgent
    for problem in result.problems:
        assert TRANSLIT[problem.start : problem.end] == problem.text
