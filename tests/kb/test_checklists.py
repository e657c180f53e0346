"""Self-check checklists: the shipped content and the assessment logic."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.selfcheck import (
    ANSWERS,
    LABOUR_CODE_REF,
    SEVERITIES,
    SHORT_MAX_ITEMS,
    Checklist,
    ChecklistError,
    ChecklistItem,
    assess,
    checklists_dir,
    load_checklists,
)

CHECKLISTS_DIR = checklists_dir()
CHECKLISTS = load_checklists()
ALL_ITEMS = [(checklist, item) for checklist in CHECKLISTS.values() for item in checklist.items]
CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
OTHER_ACT_REF = re.compile(
    r"^(Федеральный закон|Постановление Правительства РФ|Приказ [А-Яа-яё ]+ России)\b.*№ "
)


# --------------------------------------------------------------------------- content


def test_enough_checklists_and_items() -> None:
    assert len(CHECKLISTS) >= 13
    assert len(ALL_ITEMS) >= 160


@pytest.mark.parametrize("checklist", CHECKLISTS.values(), ids=lambda c: c.id)
def test_checklist_size(checklist: Checklist) -> None:
    assert 10 <= len(checklist.items) <= 16
    if checklist.short:
        assert len(checklist.items) <= SHORT_MAX_ITEMS


def test_at_least_three_short_checklists() -> None:
    assert sum(1 for c in CHECKLISTS.values() if c.short) >= 3


def test_expected_topics_are_covered() -> None:
    topics = {
        "hiring", "pay", "working-time", "leave", "dismissal", "safety-management", "ppe", "medical-checks",
        "osh-training", "sout", "women-family", "minors", "disabled-quota", "personnel-documents",
    }  # fmt: skip
    assert topics <= CHECKLISTS.keys()


def test_item_ids_are_unique_across_files() -> None:
    # Read the raw files so the check does not depend on the loader's own validation.
    ids = [
        item["id"]
        for path in sorted(CHECKLISTS_DIR.glob("*.yaml"))
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["items"]
    ]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates


def test_file_names_match_ids() -> None:
    assert {path.stem for path in CHECKLISTS_DIR.glob("*.yaml")} == set(CHECKLISTS)


@pytest.mark.parametrize("checklist", CHECKLISTS.values(), ids=lambda c: c.id)
def test_texts_are_russian(checklist: Checklist) -> None:
    assert CYRILLIC.search(checklist.title) and CYRILLIC.search(checklist.description)
    for item in checklist.items:
        assert CYRILLIC.search(item.question), item.id
        assert item.question.endswith("?"), item.id
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", item.fix) if s]
        assert 1 <= len(sentences) <= 3, f"{item.id}: fix should be 1-3 sentences"


def test_every_severity_level_is_used() -> None:
    assert {item.severity for _, item in ALL_ITEMS} == set(SEVERITIES)


def test_labour_code_refs_exist_and_are_in_force(ref_problems: Callable[[list[str]], list[str]]) -> None:
    refs = [item.ref for _, item in ALL_ITEMS if item.ref.startswith("ТК")]
    assert len(refs) > len(ALL_ITEMS) // 2  # most items rest on the Labour Code itself
    assert ref_problems(refs) == []


def test_other_refs_name_the_act() -> None:
    for _, item in ALL_ITEMS:
        if not LABOUR_CODE_REF.match(item.ref):
            assert OTHER_ACT_REF.match(item.ref), f"{item.id}: unexpected ref {item.ref!r}"


def test_article_links_resolve(article_ids: frozenset[str]) -> None:
    broken = sorted(
        f"{item.id} -> {item.article}" for _, item in ALL_ITEMS if item.article not in article_ids
    )
    assert not broken, f"{len(broken)} links to missing kb_content/articles/<id>.md, e.g. {broken[:20]}"


# --------------------------------------------------------------------------- loader validation


def _write(directory: Path, checklist_id: str, items: list[dict[str, str]], short: bool = False) -> None:
    data = {
        "id": checklist_id,
        "title": "Проверка",
        "description": "Описание.",
        "audience": "employer",
        "short": short,
        "items": items,
    }
    (directory / f"{checklist_id}.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
    )


def _raw_item(item_id: str, **overrides: str) -> dict[str, str]:
    item = {
        "id": item_id,
        "question": "Выполняется ли требование?",
        "ref": "ТК РФ ст. 136",
        "severity": "high",
        "fix": "Сделайте так.",
        "article": "wage-payment-terms",
    }
    item.update(overrides)
    return item


def test_loader_reads_a_valid_directory(tmp_path: Path) -> None:
    _write(tmp_path, "demo", [_raw_item("demo-a"), _raw_item("demo-b", severity="low")], short=True)
    checklists = load_checklists(tmp_path)
    assert list(checklists) == ["demo"]
    assert checklists["demo"].short is True
    assert checklists["demo"].item("demo-b").severity == "low"


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (_raw_item("demo-a", severity="urgent"), "severity 'urgent'"),
        (_raw_item("demo-a", ref="ст. 136 ТК РФ"), "Labour Code ref"),
        (_raw_item("demo-a", ref="ТК РФ статья 136"), "Labour Code ref"),
        (_raw_item("demo-a", question="Без вопросительного знака"), "must end with '?'"),
        (_raw_item("demo-a", article="Wage Payment"), "article"),
        (_raw_item("Demo_A"), "kebab-case"),
        ({**_raw_item("demo-a"), "extra": "x"}, "unknown field(s) extra"),
        ({k: v for k, v in _raw_item("demo-a").items() if k != "fix"}, "missing field(s) fix"),
    ],
)
def test_loader_rejects_bad_items_naming_file_and_item(
    tmp_path: Path, item: dict[str, str], message: str
) -> None:
    _write(tmp_path, "demo", [item])
    with pytest.raises(ChecklistError) as raised:
        load_checklists(tmp_path)
    assert "demo.yaml" in str(raised.value)
    assert f"item {item['id']}" in str(raised.value)
    assert message in str(raised.value)


def test_loader_rejects_duplicate_item_ids_across_files(tmp_path: Path) -> None:
    _write(tmp_path, "first", [_raw_item("same-id")])
    _write(tmp_path, "second", [_raw_item("same-id")])
    with pytest.raises(ChecklistError, match=r"second\.yaml, item same-id: id already used in first\.yaml"):
        load_checklists(tmp_path)


def test_loader_rejects_id_not_matching_file_name(tmp_path: Path) -> None:
    _write(tmp_path, "demo", [_raw_item("demo-a")])
    (tmp_path / "demo.yaml").rename(tmp_path / "other.yaml")
    with pytest.raises(ChecklistError, match=r"other\.yaml: id 'demo'"):
        load_checklists(tmp_path)


def test_loader_rejects_long_short_checklist(tmp_path: Path) -> None:
    _write(tmp_path, "demo", [_raw_item(f"demo-{n}") for n in range(SHORT_MAX_ITEMS + 1)], short=True)
    with pytest.raises(ChecklistError, match="short checklist"):
        load_checklists(tmp_path)


def test_loader_rejects_empty_directory(tmp_path: Path) -> None:
    with pytest.raises(ChecklistError, match="no checklist files"):
        load_checklists(tmp_path)


def test_loaded_objects_are_immutable() -> None:
    checklist = next(iter(CHECKLISTS.values()))
    with pytest.raises(AttributeError):
        checklist.title = "x"  # type: ignore[misc]
    assert isinstance(checklist.items, tuple)


# --------------------------------------------------------------------------- assess()


def _item(item_id: str, severity: str) -> ChecklistItem:
    return ChecklistItem(
        id=item_id,
        question=f"Вопрос {item_id}?",
        ref="ТК РФ ст. 136",
        severity=severity,
        fix=f"Исправьте {item_id}.",
        article=f"article-{item_id}",
    )


SAMPLE = Checklist(
    id="sample",
    title="Пример",
    description="Тестовый чек-лист.",
    audience="employer",
    short=True,
    items=(
        _item("a", "low"),
        _item("b", "critical"),
        _item("c", "medium"),
        _item("d", "critical"),
        _item("e", "high"),
    ),
)


def test_all_yes_is_fully_compliant() -> None:
    result = assess(SAMPLE, dict.fromkeys("abcde", "yes"))
    assert result.compliance == 1.0
    assert (result.yes, result.no, result.na, result.total) == (5, 0, 0, 5)
    assert result.violations == ()
    assert (
        result.summary
        == "Соответствие требованиям — 100 % (5 из 5 применимых пунктов). Нарушений не выявлено."
    )


def test_compliance_ignores_not_applicable_items() -> None:
    result = assess(SAMPLE, {"a": "yes", "b": "no", "c": "na", "d": "yes", "e": "yes"})
    assert result.compliance == pytest.approx(3 / 4)
    assert (result.yes, result.no, result.na) == (3, 1, 1)


def test_violations_are_sorted_by_severity_then_checklist_order() -> None:
    result = assess(SAMPLE, dict.fromkeys("abcde", "no"))
    assert [v.item_id for v in result.violations] == ["b", "d", "e", "c", "a"]
    first = result.violations[0]
    assert (first.severity, first.fix, first.ref, first.article) == (
        "critical",
        "Исправьте b.",
        "ТК РФ ст. 136",
        "article-b",
    )
    assert result.compliance == 0.0


def test_summary_counts_violations_and_critical_ones() -> None:
    result = assess(SAMPLE, {"a": "yes", "b": "no", "c": "no", "d": "yes", "e": "yes"})
    assert result.summary == (
        "Соответствие требованиям — 60 % (3 из 5 применимых пунктов). "
        "Выявлено 2 нарушения, из них критических — 1."
    )
    single = assess(SAMPLE, {"a": "no", "b": "na", "c": "na", "d": "na", "e": "na"})
    assert (
        single.summary == "Соответствие требованиям — 0 % (0 из 1 применимого пункта). Выявлено 1 нарушение."
    )


def test_percentage_is_rounded_down_so_violations_never_show_100() -> None:
    items = tuple(_item(f"i{n}", "low") for n in range(200))
    checklist = Checklist("big", "Большой", "Описание.", "employer", False, items)
    answers = {item.id: "yes" for item in items} | {"i0": "no"}
    result = assess(checklist, answers)
    assert "99 %" in result.summary


def test_all_not_applicable_gives_no_score() -> None:
    result = assess(SAMPLE, dict.fromkeys("abcde", "na"))
    assert result.compliance is None
    assert result.violations == ()
    assert "оценка соответствия не проводится" in result.summary
    assert result.to_dict()["compliance"] is None


def test_unknown_item_ids_are_rejected_in_russian_and_english() -> None:
    with pytest.raises(ValueError) as raised:
        assess(SAMPLE, dict.fromkeys("abcde", "yes") | {"zzz": "yes"})
    assert "zzz" in str(raised.value)
    assert "нет вопросов" in str(raised.value) and "Unknown item ids" in str(raised.value)


@pytest.mark.parametrize("value", ["YES", "да", "", "n/a", "true"])
def test_bad_answer_values_are_rejected(value: str) -> None:
    with pytest.raises(ValueError, match=r"Недопустимый ответ.*Invalid answer"):
        assess(SAMPLE, dict.fromkeys("abcde", "yes") | {"c": value})


def test_missing_answers_are_rejected_by_default() -> None:
    with pytest.raises(ValueError, match=r"Нет ответов на вопросы: d, e\. Unanswered items"):
        assess(SAMPLE, {"a": "yes", "b": "yes", "c": "yes"})


def test_partial_assessment_reports_missing_items() -> None:
    result = assess(SAMPLE, {"a": "yes", "b": "no"}, allow_partial=True)
    assert result.missing == ("c", "d", "e")
    assert not result.complete
    assert result.total == 5
    assert result.compliance == 0.5
    assert result.summary.endswith("Без ответа остались 3 пункта.")
    assert (
        assess(SAMPLE, {}, allow_partial=True).summary == "Ответов пока нет. Без ответа остались 5 пунктов."
    )


def test_to_dict_is_json_ready() -> None:
    result = assess(SAMPLE, {"a": "yes", "b": "no", "c": "na"}, allow_partial=True)
    data = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    assert data["checklist_id"] == "sample"
    assert data["compliance"] == 0.5
    assert data["counts"] == {"yes": 1, "no": 1, "na": 1, "missing": 2, "total": 5}
    assert data["missing"] == ["d", "e"]
    assert data["complete"] is False
    assert data["violations"] == [
        {
            "item_id": "b",
            "question": "Вопрос b?",
            "severity": "critical",
            "severity_label": "критическое",
            "fix": "Исправьте b.",
            "ref": "ТК РФ ст. 136",
            "article": "article-b",
        }
    ]
    assert data["summary"] == result.summary


def test_assess_works_on_shipped_checklists() -> None:
    checklist = CHECKLISTS["pay"]
    answers = {item.id: "yes" for item in checklist.items} | {"pay-no-arrears": "no"}
    result = assess(checklist, answers)
    assert [v.item_id for v in result.violations] == ["pay-no-arrears"]
    assert result.violations[0].severity == "critical"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(ANSWERS), min_size=5, max_size=5))
def test_assessment_invariants(values: list[str]) -> None:
    answers = dict(zip("abcde", values, strict=True))
    result = assess(SAMPLE, answers)
    assert result.yes + result.no + result.na == 5
    assert len(result.violations) == result.no == values.count("no")
    ranks = [SEVERITIES.index(v.severity) for v in result.violations]
    assert ranks == sorted(ranks)
    if result.compliance is None:
        assert result.yes == result.no == 0
    else:
        assert 0.0 <= result.compliance <= 1.0
        assert result.compliance == result.yes / (result.yes + result.no)
