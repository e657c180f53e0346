"""Evaluation on the held-out dev set (``trudnadzor nlp eval``)."""

from __future__ import annotations

import multiprocessing
import os
import re
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from nlp import morph
from nlp.dataset import DATA_DIR, DEV_PATH, load
from nlp.facts import BUSINESS_WORD, brand_spans
from nlp.pipeline import Analyzer
from nlp.regions import find_places, gazetteer, resolve
from nlp.types import Analysis, InvalidText

BATCH = 32


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "support": tp + fn}


def _set_prf(pairs: list[tuple[set[Any], set[Any]]]) -> dict[str, float]:
    tp = sum(len(g & p) for g, p in pairs)
    fp = sum(len(p - g) for g, p in pairs)
    fn = sum(len(g - p) for g, p in pairs)
    return _prf(tp, fp, fn)


def evaluate(path: Path = DEV_PATH, analyzer: Analyzer | None = None) -> dict[str, Any]:
    analyzer = analyzer or Analyzer.default()
    records = load(path)
    results: list[Analysis | InvalidText] = []
    for i in range(0, len(records), BATCH):
        results.extend(analyzer.analyze_many([r["text"] for r in records[i : i + BATCH]], errors="return"))
    categories = analyzer.classifier.categories

    per_category = {}
    for category in categories:
        tp = fp = fn = 0
        for record, result in zip(records, results, strict=False):
            gold = category in record["categories"]
            pred = isinstance(result, Analysis) and category in result.categories
            tp += gold and pred
            fp += pred and not gold
            fn += gold and not pred
        per_category[category] = _prf(tp, fp, fn)
    present = [c for c in categories if per_category[c]["support"] > 0]
    macro = sum(per_category[c]["f1"] for c in present) / len(present) if present else 0.0
    exact = sum(
        1
        for r, a in zip(records, results, strict=False)
        if isinstance(a, Analysis) and set(a.categories) == set(r["categories"])
    )

    def labour(cats: list[str]) -> bool:
        return any(c != "out_of_scope" for c in cats)

    oos: dict[str, list[str]] = {
        "oos_predicted_as_labour": [],
        "labour_predicted_as_oos_only": [],
        "labour_with_extra_oos": [],
    }
    for record, result in zip(records, results, strict=False):
        predicted = result.categories if isinstance(result, Analysis) else []
        gold = record["categories"]
        if gold == ["out_of_scope"] and labour(predicted):
            oos["oos_predicted_as_labour"].append(record["id"])
        if labour(gold) and not labour(predicted):
            oos["labour_predicted_as_oos_only"].append(record["id"])
        if labour(gold) and "out_of_scope" in predicted and "out_of_scope" not in gold:
            oos["labour_with_extra_oos"].append(record["id"])
    oos_counts = {
        "gold_oos_only": sum(1 for r in records if r["categories"] == ["out_of_scope"]),
        "gold_labour": sum(1 for r in records if labour(r["categories"])),
        **{k: len(v) for k, v in oos.items()},
        "ids": oos,
    }

    ok = [(r, a) for r, a in zip(records, results, strict=False) if isinstance(a, Analysis)]
    inn = _set_prf([(set(r["facts"].get("inns") or []), set(a.facts.inns)) for r, a in ok])
    invalid_inn = _set_prf(
        [(set(r["facts"].get("invalid_inns") or []), set(a.facts.invalid_inns)) for r, a in ok]
    )
    amounts = _set_prf(
        [
            (
                {round(float(x), 2) for x in r["facts"].get("amounts") or []},
                {round(x, 2) for x in a.facts.amounts},
            )
            for r, a in ok
        ]
    )
    orgs = _set_prf(
        [
            (
                {organisation_key(x) for x in r["facts"].get("organizations") or []},
                {organisation_key(x) for x in a.facts.organizations},
            )
            for r, a in ok
        ]
    )
    with_region = [(r, a) for r, a in ok if r["facts"].get("region")]
    region_wrong = [
        r["id"] for r, a in with_region if a.facts.region != official_region(r["facts"]["region"])
    ]
    region_correct = len(with_region) - len(region_wrong)
    region_spurious = sum(1 for r, a in ok if not r["facts"].get("region") and a.facts.region)
    with_workers = [(r, a) for r, a in ok if r["facts"].get("workers_affected")]
    workers_correct = sum(
        1 for r, a in with_workers if a.facts.workers_affected == r["facts"]["workers_affected"]
    )

    gold_urgent = [(r, a) for r, a in ok if r.get("urgent")]
    pred_urgent = [(r, a) for r, a in ok if a.urgent]
    urgent_tp = sum(1 for r, a in gold_urgent if a.urgent)
    reason_ok = sum(1 for r, a in gold_urgent if a.urgent and a.urgent_reason == r.get("urgent_reason"))
    return {
        "data": str(path),
        "records": len(records),
        "invalid": sum(1 for a in results if isinstance(a, InvalidText)),
        "categories": per_category,
        "macro_f1": round(macro, 4),
        "exact_category_set": round(exact / len(records), 4) if records else 0.0,
        "out_of_scope": oos_counts,
        "facts": {
            "inn": inn,
            "invalid_inn": invalid_inn,
            "amounts": amounts,
            "organizations": orgs,
            "region": {
                "with_place": len(with_region),
                "accuracy": round(region_correct / len(with_region), 4) if with_region else 1.0,
                "spurious": region_spurious,
                "wrong_ids": region_wrong,
            },
            "workers_affected": {
                "with_value": len(with_workers),
                "accuracy": round(workers_correct / len(with_workers), 4) if with_workers else 1.0,
            },
        },
        "urgency": {
            "gold_urgent": len(gold_urgent),
            "recall": round(urgent_tp / len(gold_urgent), 4) if gold_urgent else 1.0,
            "precision": round(urgent_tp / len(pred_urgent), 4) if pred_urgent else 1.0,
            "reason_accuracy": round(reason_ok / len(gold_urgent), 4) if gold_urgent else 1.0,
            "missed_ids": [r["id"] for r, a in gold_urgent if not a.urgent],
        },
        "needs_review_rate": round(sum(1 for _, a in ok if a.needs_review) / len(ok), 4) if ok else 0.0,
    }


_BUSINESS_WORD_RE = re.compile(BUSINESS_WORD)


def organisation_key(name: str) -> str:
    """Organisation names compare without case, quotes or «ё», with the words outside the quotes in their
    dictionary form (a label may keep the case of the text, «в банке "Открытие"», the extractor gives the
    nominative) and, before a quoted name, without a business noun («завод "Автодизель"» = «"Автодизель"»:
    labels differ on whether they keep it; the quoted name is what identifies the employer)."""
    bare = name.strip().strip('«»"“”„')
    brands = brand_spans(bare)
    if len(brands) == 1 and brands[0][0] == 0 and brands[0][1] == len(bare):
        return brands[0][2].lower().replace("ё", "е")  # «вайлдберриз», «Wildberries»: one employer
    parts = re.split(r"(«[^«»]*»|\"[^\"]*\")", name)
    has_quoted = len(parts) > 1
    words: list[str] = []
    for index, part in enumerate(parts):
        if index % 2 == 1:
            words.append(part)
            continue
        for word in part.split():
            if has_quoted and _BUSINESS_WORD_RE.fullmatch(word):
                continue
            words.append(morph.lemma(word) if word.isalpha() and not word.isupper() else word)
    text = " ".join(words).lower().replace("ё", "е")
    return " ".join(text.replace('"', "«").replace("»", "«").replace("«", " ").split())


def format_report(report: dict[str, Any]) -> str:
    lines = [
        f"Набор: {report['data']} ({report['records']} обращений, ошибок ввода: {report['invalid']})",
        "",
    ]
    lines.append(f"{'категория':<22}{'precision':>10}{'recall':>10}{'F1':>8}{'support':>9}")
    for category, m in report["categories"].items():
        lines.append(
            f"{category:<22}{m['precision']:>10.3f}{m['recall']:>10.3f}{m['f1']:>8.3f}{m['support']:>9}"
        )
    lines.append(f"{'macro-F1':<22}{report['macro_f1']:>28.3f}")
    lines.append(f"точное совпадение набора категорий: {report['exact_category_set']:.3f}")
    o = report["out_of_scope"]
    lines += [
        "",
        "out_of_scope: "
        f"вне компетенции → трудовые: {o['oos_predicted_as_labour']} из {o['gold_oos_only']}; "
        f"трудовые → только вне компетенции: {o['labour_predicted_as_oos_only']} из {o['gold_labour']}; "
        f"трудовые с лишним out_of_scope: {o['labour_with_extra_oos']}",
    ]
    f = report["facts"]
    lines.append("")
    for name in ("inn", "invalid_inn", "amounts", "organizations"):
        m = f[name]
        lines.append(
            f"{name:<14} precision {m['precision']:.3f}  recall {m['recall']:.3f}  (gold {m['support']})"
        )
    lines.append(
        f"region         accuracy {f['region']['accuracy']:.3f} on {f['region']['with_place']} "
        f"(ложных регионов: {f['region']['spurious']})"
    )
    lines.append(
        f"workers        accuracy {f['workers_affected']['accuracy']:.3f} "
        f"on {f['workers_affected']['with_value']}"
    )
    u = report["urgency"]
    lines.append(
        f"urgent         recall {u['recall']:.3f}  precision {u['precision']:.3f}  "
        f"reason {u['reason_accuracy']:.3f}  (gold {u['gold_urgent']})"
    )
    lines.append(f"needs_review   {report['needs_review_rate']:.3f}")
    return "\n".join(lines)


def held_out_paths(directory: Path = DATA_DIR) -> list[Path]:
    """Every labelled set never trained on: dev, challenge, then the blind sets in number order."""
    blind = sorted(directory.glob("blind_batch*.jsonl"), key=lambda p: int(re.sub(r"\D", "", p.stem) or 0))
    named = [directory / "dev.jsonl", directory / "challenge.jsonl"]
    return [p for p in named if p.exists()] + blind


def _set_line_of(path: Path) -> dict[str, Any]:
    return set_line(evaluate(path))


def set_lines(paths: list[Path], processes: int | None = None) -> Iterator[dict[str, Any]]:
    """`set_line` of each set in the order of `paths`, each yielded once it and those before it are done; the
    sets are shared among processes (one per core by default; the triage of one process is single-threaded).
    Each process loads the models once; fresh processes (spawn), not forks of a caller that may run
    threads."""
    processes = min(processes or os.cpu_count() or 1, len(paths))
    if processes <= 1:
        yield from map(_set_line_of, paths)
        return
    with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield from pool.map(_set_line_of, paths, chunksize=4)


def set_line(report: dict[str, Any]) -> dict[str, Any]:
    """The figures of one set that the held-out summary compares."""
    o, u, f = report["out_of_scope"], report["urgency"], report["facts"]
    return {
        "set": Path(report["data"]).stem,
        "records": report["records"],
        "macro_f1": report["macro_f1"],
        "oos_as_labour": o["oos_predicted_as_labour"],
        "gold_oos": o["gold_oos_only"],
        "labour_as_oos": o["labour_predicted_as_oos_only"],
        "gold_labour": o["gold_labour"],
        "urgent_missed": len(u["missed_ids"]),
        "gold_urgent": u["gold_urgent"],
        "urgent_precision": u["precision"],
        "needs_review_rate": report["needs_review_rate"],
        "ids": {**o["ids"], "urgent_missed": u["missed_ids"]},
        "facts": {
            "inn_precision": f["inn"]["precision"],
            "inn_recall": f["inn"]["recall"],
            "invalid_inn_recall": f["invalid_inn"]["recall"],
            "amounts_precision": f["amounts"]["precision"],
            "amounts_recall": f["amounts"]["recall"],
            "region_accuracy": f["region"]["accuracy"],
            "workers_accuracy": f["workers_affected"]["accuracy"],
        },
    }


def blind_totals(lines: list[dict[str, Any]]) -> dict[str, Any]:
    """Sums over the blind sets (dev and challenge are reported on their own): scope errors and missed urgent
    complaints summed, macro-F1, urgent precision and the review rate averaged over the sets."""
    blind = [line for line in lines if line["set"].startswith("blind")]
    n = len(blind) or 1

    def total(key: str) -> int:
        return sum(int(line[key]) for line in blind)

    return {
        "sets": len(blind),
        "records": total("records"),
        "macro_f1_mean": round(sum(line["macro_f1"] for line in blind) / n, 4),
        **{key: total(key) for key in ("oos_as_labour", "gold_oos", "labour_as_oos", "gold_labour")},
        "urgent_missed": total("urgent_missed"),
        "gold_urgent": total("gold_urgent"),
        "urgent_precision_mean": round(sum(line["urgent_precision"] for line in blind) / n, 4),
        "needs_review_rate_mean": round(sum(line["needs_review_rate"] for line in blind) / n, 4),
    }


def format_set_line(line: dict[str, Any]) -> str:
    return (
        f"{line['set']:<18}{line['records']:>5}  macro-F1 {line['macro_f1']:.3f}  "
        f"вне → трудовые {line['oos_as_labour']}/{line['gold_oos']}  "
        f"трудовые → вне {line['labour_as_oos']}/{line['gold_labour']}  "
        f"срочные пропущены {line['urgent_missed']}/{line['gold_urgent']}  "
        f"точность срочных {line['urgent_precision']:.3f}  на проверку {line['needs_review_rate']:.3f}"
    )


def format_totals(totals: dict[str, Any]) -> str:
    return (
        f"Слепые наборы: {totals['sets']}, обращений в них: {totals['records']}; средний macro-F1 "
        f"{totals['macro_f1_mean']:.4f}; вне компетенции → трудовые {totals['oos_as_labour']} из "
        f"{totals['gold_oos']}; трудовые → только вне компетенции {totals['labour_as_oos']} из "
        f"{totals['gold_labour']}; срочные пропущены {totals['urgent_missed']} из {totals['gold_urgent']}; "
        f"средняя точность срочных {totals['urgent_precision_mean']:.3f}; на проверку "
        f"{totals['needs_review_rate_mean']:.3f}"
    )


def official_region(name: str) -> str | None:
    """A labelled region in the gazetteer's official spelling: writers of labels use the Constitution's long
    forms too («Чувашская Республика — Чувашия» for «Чувашская Республика»)."""
    if name in gazetteer().official:
        return name
    return resolve(find_places(name), name) or name
