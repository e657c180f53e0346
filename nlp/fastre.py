"""Fast matching of many regular expressions on lower-case text.

Python's ``re`` skips ahead to a pattern's literal prefix (or first-character set) only without
``IGNORECASE`` and only when the pattern starts with a literal; the urgency and fact patterns mostly start
with ``\\b`` or an alternation and were compiled case-insensitively, so every one of them ran the full
matcher at every position of every complaint. Here a pattern written in lower case is compiled without
``IGNORECASE`` (the callers fold the text to lower case, which gives the same matches), and the literal
strings one of which every match must contain are read from the parsed pattern: a text that contains none
of them cannot match, and ``str.__contains__`` rules that out in a fraction of a microsecond.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

_parser: Any = importlib.import_module("re._parser")
_c: Any = importlib.import_module("re._constants")

_MIN_LITERAL = 2  # shorter required strings filter nothing


def fold_case(text: str) -> str:
    """``text.lower()`` with the length kept (a character whose lower case is longer stays as it is), so
    offsets into the folded text are offsets into the original."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)


def has_upper(pattern: str) -> bool:
    """Whether a pattern has upper-case letters outside escapes (``\\D``, ``\\W`` …) and group syntax."""
    return any(ch.isupper() for ch in re.sub(r"\\.|\(\?P[<=]", "", pattern))


def _required(items: Any) -> set[str] | None:
    """Strings one of which every match of a parsed sequence contains (None: nothing is known)."""
    best: set[str] | None = None

    def better(candidate: set[str] | None) -> None:
        nonlocal best
        if not candidate or min(len(s) for s in candidate) < _MIN_LITERAL:
            return
        if best is None or (min(map(len, candidate)), -len(candidate)) > (min(map(len, best)), -len(best)):
            best = candidate

    run: list[str] = []
    for op, av in items:
        if op is _c.LITERAL:
            run.append(chr(av))
            continue
        better({"".join(run)} if run else None)
        run = []
        if op is _c.SUBPATTERN:
            better(_required(av[3]))
        elif op is _c.BRANCH:
            branches = [_required(branch) for branch in av[1]]
            if all(b is not None for b in branches):
                better(set().union(*[b for b in branches if b is not None]))
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT) and av[0] >= 1:
            better(_required(av[2]))
    better({"".join(run)} if run else None)
    return best


def required_literals(pattern: str) -> tuple[str, ...] | None:
    """Literal strings one of which every match contains, or None when the pattern guarantees none."""
    try:
        parsed = _parser.parse(pattern)
    except Exception:  # noqa: BLE001 - an unusual pattern just goes without the pre-check
        return None
    found = _required(parsed.data)
    return tuple(sorted(found)) if found else None


class LowerPattern:
    """A regular expression matched on lower-case text («ё» folded by the caller if the rules need it):
    compiled case-sensitively when written in lower case, with a literal pre-check."""

    __slots__ = ("pattern", "regex", "literals")

    def __init__(self, pattern: str):
        self.pattern = pattern
        if has_upper(pattern):
            self.regex = re.compile(pattern, re.IGNORECASE)
            self.literals: tuple[str, ...] | None = None
        else:
            self.regex = re.compile(pattern)
            self.literals = required_literals(pattern)

    def possible(self, text: str) -> bool:
        """False when the text certainly has no match."""
        if self.literals is None:
            return True
        for literal in self.literals:
            if literal in text:
                return True
        return False

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
        if not self.possible(text):
            return None
        return self.regex.search(text, pos) if endpos is None else self.regex.search(text, pos, endpos)

    def finditer(self, text: str) -> Any:
        if not self.possible(text):
            return iter(())
        return self.regex.finditer(text)

    def __repr__(self) -> str:
        return f"LowerPattern({self.pattern!r})"
