"""Reference data and content shipped with Trudnadzor (taxonomy, regions, articles, checklists, calendars)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent


def path(*parts: str) -> Path:
    """Path of a file inside kb_content."""
    return ROOT.joinpath(*parts)
