"""NLP fixtures: models load once per test session."""

from __future__ import annotations

import pytest

from nlp import Analyzer


@pytest.fixture(scope="session")
def analyzer() -> Analyzer:
    analyzer = Analyzer.default()
    analyzer.warm_up()
    return analyzer
