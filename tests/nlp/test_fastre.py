"""The literal pre-check of nlp.fastre must never hide a match: every rule and fact pattern finds exactly
what the plain case-insensitive regex finds, on the training complaints and on hand-made edge cases."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from nlp import facts, urgency
from nlp.fastre import LowerPattern, fold_case, required_literals

TRAIN = Path(__file__).resolve().parents[2] / "nlp" / "data" / "train.jsonl"


def all_patterns() -> list[LowerPattern]:
    config = urgency.rules()
    found: list[LowerPattern] = [config.arrears, *config.mass_patterns, *config.mass_plural_patterns]
    found += [*config.workplace, *([config.wage_words] if config.wage_words else [])]
    for rule in config.rules:
        found += [*rule.patterns, *rule.unless]
    found += [*facts._BARE_MONEY_RES, *facts._WORKERS_RES, *facts._WORKERS_FALLBACK_RES]
    return found


def test_the_pre_check_never_hides_a_match_on_the_training_complaints() -> None:
    # every eighth complaint (about 3 000 of all styles): every third took a third of the suite's time
    lines = TRAIN.read_text(encoding="utf-8").splitlines()[::8]
    texts = [fold_case(json.loads(line)["text"]) for line in lines]
    patterns = all_patterns()
    assert len(patterns) > 50 and sum(p.literals is not None for p in patterns) > 25  # the check is used
    for pattern in patterns:
        plain = re.compile(pattern.pattern, re.IGNORECASE)
        for text in texts:
            expected = [m.span() for m in plain.finditer(text)]
            assert [m.span() for m in pattern.finditer(text)] == expected, pattern.pattern


@pytest.mark.parametrize(
    ("pattern", "literals"),
    [
        # every match holds one of them; of the candidates the one with the longest shortest string
        (r"\bупал[аи]?\s+с\s+(?:лесов|крыши)", ("крыши", "лесов")),
        (r"(?:ожог|обжёг)\w*", ("бжёг", "жог")),  # the parser factors out the common «о»
        (r"\b(?:травм|ранен)", ("ранен", "травм")),
        (r"(?:нет\s+)?каски", ("каски",)),
        (r"\d+\s*(?:человек|чел)", ("чел",)),
        (r"(?:а|б)\w+", None),  # one-letter alternatives filter nothing
        (r"(?:каска)?\s*нет", ("нет",)),  # an optional group guarantees nothing
    ],
)
def test_required_literals(pattern: str, literals: tuple[str, ...] | None) -> None:
    assert required_literals(pattern) == literals


def test_a_pattern_with_capitals_stays_case_insensitive() -> None:
    pattern = LowerPattern(r"\bООО\s+«")
    assert pattern.literals is None and pattern.search("ооо «ромашка»") is not None
