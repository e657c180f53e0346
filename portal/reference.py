"""Reference data shipped in kb_content: regions of the RF and the taxonomy."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import yaml

import kb_content


@dataclass(frozen=True)
class RegionRef:
    code: str
    name: str
    name_in: str  # prepositional case, as used in the inspection's name
    kind: str

    @property
    def inspection_name(self) -> str:
        return f"Государственная инспекция труда в {self.name_in}"


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    description: str


@lru_cache(maxsize=1)
def regions() -> tuple[RegionRef, ...]:
    rows = yaml.safe_load(kb_content.path("regions.yaml").read_text(encoding="utf-8"))
    return tuple(RegionRef(code=r["code"], name=r["name"], name_in=r["in"], kind=r["kind"]) for r in rows)


@lru_cache(maxsize=1)
def taxonomy() -> tuple[Category, ...]:
    rows = yaml.safe_load(kb_content.path("taxonomy.yaml").read_text(encoding="utf-8"))
    return tuple(Category(code=r["code"], name=r["name"], description=r["description"]) for r in rows)


def category_codes() -> frozenset[str]:
    return frozenset(c.code for c in taxonomy())


def category_name(code: str) -> str:
    return next((c.name for c in taxonomy() if c.code == code), code)
