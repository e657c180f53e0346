"""Trudnadzor NLP triage: pure text analysis of complaints (no database, no web).

from nlp import Analyzer, analyze, InvalidText
analysis = Analyzer.default().analyze(text)
analysis.to_dict()
"""

from nlp.pipeline import Analyzer, analyze
from nlp.types import Analysis, Facts, InvalidText, Problem

__all__ = ["Analysis", "Analyzer", "Facts", "InvalidText", "Problem", "analyze"]
