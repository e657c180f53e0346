"""The triage pipeline: clean → sentences → facts → categories and problems → urgency."""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass, field
from typing import Literal, overload

import numpy as np

from nlp import facts as F
from nlp import regions, scope, translit, urgency
from nlp.blas import single_threaded
from nlp.classify import NONE, Model, decide, model
from nlp.clean import Cleaned, clean, normalise
from nlp.split import Sentence, sentences
from nlp.types import Analysis, Facts, InvalidText, Problem

MAX_CHARS = 20_000
_LETTER_RE = re.compile(r"[^\W\d_]")
_PLAIN_RE = re.compile(r"[\w \n.,!?;:()«»\"'\-/%№]+")
_CAPITALISED_RE = re.compile(r"(?<=[\w,;:)»\"] )[А-ЯЁ][а-яё]{2,}")
_SKIP_NER_WORDS = frozenset(
    {
        "Государственная",
        "Государственную",
        "Государственной",
        "Трудового",
        "Трудовой",
        "Трудовым",
        "Прошу",
        "Помогите",
        "Здравствуйте",
        "Спасибо",
        "Роструд",
        "Роструда",
        "Telegram",
        "Телеграм",
        "Уважаемые",
        "Пенсионный",
        "Фонд",
    }
)


# A labour category's sentence-head score from which an out_of_scope reading is doubted (its problem needs
# review). On held-out folds of train.jsonl 7221 such a sentence (0.8) stood in 26 of the 85 labour
# complaints read as out_of_scope and in 52 of the 2023 out_of_scope ones. Letters about taxes, loans and
# schools with one labour sentence (fresh batches 197–201, model 14 661) lose more: from 0.7 instead of 0.8
# 12 of their 19 lost labour complaints go to review instead of 8, for 12 out_of_scope ones instead of 6.
# Fresh batches 378–399 with the model of 24 701, before training on them: from 0.5 instead of 0.7, 12 of
# the 16 labour complaints read as out_of_scope go to review instead of 9, for 94 of the 466 out_of_scope
# letters read so instead of 77 (an inspector's glance at a redirect against a worker's lost inspection).
# 3-fold CV of the whole pipeline on train.jsonl 30 202 (`python -m nlp.review_cv`): from 0.3 instead of
# 0.5, 248 of the 328 labour complaints read only as out_of_scope go to review instead of 219, for 24.2 % of
# the 9 224 rightly redirected out_of_scope ones instead of 16.1 % (one worker's complaint kept from a silent
# redirect per 26 more glances). The lowest level that acts: the confidence 1 − score of a lower one stays at
# or above the review threshold 0.7
OUT_OF_SCOPE_DOUBT = 0.3
# A labour reading of a worker's question asked before anything was done to them, or of the employer's side
# asking (nlp.scope.doubtful_grievance), goes to review with at most this confidence (below every review
# threshold) rather than being redirected: as a redirect the question rule kept 9 such questions of the fresh
# batches 410–423 out of the labour queue and threw out no labour complaint there, but on the held-out sets it
# threw out 4 labour complaints for 2 kept out
DOUBTFUL_GRIEVANCE_CONFIDENCE = 0.5


def out_of_scope_ceiling(labour_sentence: float, doubt: float) -> float:
    """The highest confidence an out_of_scope reading keeps: when one sentence reads as a labour grievance
    from the `doubt` level up, the reading is doubtful and its confidence drops to one minus that sentence's
    score (below the review threshold, an inspector looks before a redirect); else no limit."""
    return 1.0 - labour_sentence if labour_sentence >= doubt else 1.0


def check_text(text: object) -> str:
    """The text as ``str``, or InvalidText with a Russian message."""
    if isinstance(text, bytes | bytearray):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidText("Текст обращения не в кодировке UTF-8.") from None
    if not isinstance(text, str):
        raise InvalidText("Текст обращения должен быть строкой.")
    if not text.strip():
        raise InvalidText("Текст обращения пуст.")
    sample = text[:5000]
    unusual = _PLAIN_RE.sub("", sample)  # letters, digits and common punctuation are never bad
    bad = sum(
        1
        for ch in unusual
        if ch == "\ufffd" or (unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn") and ch not in "\n\r\t")
    )
    if bad > 0.05 * len(sample):
        raise InvalidText("Текст обращения похож на двоичные данные, а не на текст.")
    if not _LETTER_RE.search(sample):
        raise InvalidText("В тексте обращения нет слов.")
    return text


@dataclass
class _State:
    original: str
    text: str
    truncated: bool
    cleaned: Cleaned
    sents: list[Sentence]
    facts: Facts
    ner_sentences: list[str] = field(default_factory=list)
    source: str | None = None  # the (truncated) original when ``text`` was read from transliteration
    index: list[int] | None = None  # ``text`` offset → ``source`` offset


class Analyzer:
    """Stateless triage over the shared, lazily loaded models; safe to call from several threads."""

    _default: Analyzer | None = None
    _lock = threading.Lock()

    def __init__(
        self,
        classifier: Model | None = None,
        max_chars: int = MAX_CHARS,
        use_ner: bool = True,
        accident_head_floor: float | None = None,
    ):
        self._classifier = classifier
        self.max_chars = max_chars
        self.use_ner = use_ner
        # None: `accident_head_floor` of nlp/rules/urgency.yaml (nested CV compares it with 0: no floor)
        self.accident_head_floor = accident_head_floor

    @classmethod
    def default(cls) -> Analyzer:
        """The process-wide analyser."""
        if cls._default is None:
            with cls._lock:
                if cls._default is None:
                    cls._default = cls()
        return cls._default

    @property
    def classifier(self) -> Model:
        return self._classifier or model()

    def warm_up(self) -> None:
        """Load every model now rather than on the first complaint."""
        from nlp.natasha_models import dates, ner

        if self.use_ner:
            ner()
        dates()
        self.analyze(
            "Здравствуйте. ООО «Ромашка» в Казани не платит зарплату 15 сентября 2025 года, Иванов И.И."
        )

    def analyze(self, text: str) -> Analysis:
        result = self.analyze_many([text], errors="return")[0]
        if isinstance(result, InvalidText):
            raise result
        return result

    @overload
    def analyze_many(self, texts: list[str], errors: Literal["raise"] = "raise") -> list[Analysis]: ...

    @overload
    def analyze_many(self, texts: list[str], errors: Literal["return"]) -> list[Analysis | InvalidText]: ...

    def analyze_many(
        self, texts: list[str], errors: str = "raise"
    ) -> list[Analysis] | list[Analysis | InvalidText]:
        """Analyse a batch (natasha NER runs once over all texts); ``errors="return"`` puts an InvalidText in
        place of a bad text instead of raising."""
        with single_threaded():  # small matrices: BLAS threads only wait for a core (see nlp.blas)
            states: list[_State | InvalidText] = []
            for text in texts:
                try:
                    states.append(self._prepare(text))
                except InvalidText as error:
                    if errors == "raise":
                        raise
                    states.append(error)
            self._run_ner([s for s in states if isinstance(s, _State)])
            return [s if isinstance(s, InvalidText) else self._finish(s) for s in states]

    # ------------------------------------------------------------------------------------------ stages

    @staticmethod
    def _region_of_quote(whole: str, source: str) -> str | None:
        """The region named only in the quoted or forwarded letters the writer answers (the employer's
        signature «г. Сургут, ул. Профсоюзов, 37»), when the writer's own words name none."""
        if whole == source:
            return None
        return regions.resolve(regions.find_places(whole), whole)

    def _prepare(self, raw: str) -> _State:
        original = check_text(raw)
        truncated = len(original) > self.max_chars
        text = original[: self.max_chars] if truncated else original
        latin = text
        text, index = translit.analysis_text(text)  # «zarplatu ne platyat» is read in Cyrillic
        cleaned = clean(text)
        sents = sentences(cleaned.body_text) or sentences(cleaned.facts_text)
        source = cleaned.facts_text
        facts = Facts()
        org_spans = F.org_spans(source)
        facts.organizations = F._unique([name for _, _, name in org_spans])
        if not facts.organizations:
            facts.organizations = F._unique([name for _, _, name in F.quoted_names(source)])
        known = {brand for name in facts.organizations for _, _, brand in F.brand_spans(name)}
        brands = [name for _, _, name in F.brand_spans(source) if name not in known]
        facts.organizations += F._unique(brands)  # «в пятёрочке», unless already named («"Пятёрочке"»)
        facts.inns, facts.invalid_inns = F.extract_inns(source)
        facts.ogrns = F.extract_ogrns(source)
        # the whole text, quoted letters and signature included, for facts the writer's own words lack
        whole = normalise(text)
        if not (facts.inns or facts.invalid_inns or facts.ogrns) and whole != source:
            # the employer's numbers given only in the quoted letter the writer answers («> Директор ООО «…»
            # (ИНН 0411004820)»)
            facts.inns, facts.invalid_inns = F.extract_inns(whole)
            facts.ogrns = F.extract_ogrns(whole)
        facts.phones = F.extract_phones(source)
        facts.emails = F.extract_emails(source)
        facts.amounts = F.extract_amounts(source)
        facts.workers_affected = F.extract_workers(source)
        facts.dates = F.extract_dates(source)
        person_spans = F.person_spans(source)
        places = [
            p
            for p in regions.find_places(source)
            if not any(s <= p.start < e and " " in name for s, e, name in person_spans)
        ]  # «Иван Ершов»
        place_starts = {p.start for p in places}
        facts.persons = F._unique([name for s, _, name in person_spans if s not in place_starts])
        facts.locations = F._unique([p.text for p in places])
        facts.region = (
            regions.resolve(places, source)
            or regions.region_from_inn(facts.inns)
            or self._region_of_quote(whole, source)
        )
        state = _State(
            original, text, truncated, cleaned, sents, facts, source=latin if index else None, index=index
        )
        if self.use_ner and not facts.organizations:
            covered = [(s, e) for s, e, _ in org_spans + person_spans] + [(p.start, p.end) for p in places]
            for sent in sents:
                for match in _CAPITALISED_RE.finditer(source, sent.start, sent.end):
                    if match.group() in _SKIP_NER_WORDS:
                        continue
                    if not any(s <= match.start() < e for s, e in covered):
                        state.ner_sentences.append(source[sent.start : sent.end])
                        break
        return state

    def _run_ner(self, states: list[_State]) -> None:
        batch = [sentence for state in states for sentence in state.ner_sentences]
        if not batch:
            return
        from nlp.natasha_models import ner

        marks = list(ner().map(batch))
        i = 0
        for state in states:
            found_orgs: list[str] = []
            found_persons: list[str] = []
            for sentence in state.ner_sentences:
                for span in marks[i].spans:
                    value = re.sub(r"\s+", " ", sentence[span.start : span.stop]).strip(" ,.")
                    if len(value) < 3:
                        continue
                    if span.type == "ORG" and not _is_authority(value):
                        found_orgs.append(value)
                    elif span.type == "PER" and len(value.split()) >= 2:
                        found_persons.append(value)
                i += 1
            state.facts.organizations = F._unique(state.facts.organizations + found_orgs)
            state.facts.persons = F._unique(state.facts.persons + found_persons)

    def _head_floor(self, clf: Model) -> float:
        """The urgency head's floor for the death and accident rules (0 for a model without the head)."""
        if clf.urgent_coef is None:
            return 0.0
        if self.accident_head_floor is not None:
            return self.accident_head_floor
        return urgency.rules().accident_head_floor

    def _finish(self, state: _State) -> Analysis:
        clf = self.classifier
        sents = state.sents
        encoded = clf.encode([sent.text for sent in sents])
        n_cat = len(clf.categories)
        P = encoded.sent_proba
        sent_max = P[:, :n_cat].max(axis=0) if len(P) else np.zeros(n_cat)
        fused = clf.fuse_weight * encoded.doc_proba + (1 - clf.fuse_weight) * sent_max
        oos = clf.categories.index("out_of_scope") if "out_of_scope" in clf.categories else -1
        chosen = decide(
            fused,
            clf.threshold,
            oos,
            clf.oos_margin,
            encoded.doc_proba,
            sent_max,
            clf.labour_override,
            clf.fused_agrees,
        )
        confidence = clf.confidence(fused)
        problems = self._problems(state, chosen, confidence, P, encoded.rows)
        categories = [p.category for p in problems]
        scores = {category: float(fused[j]) for j, category in enumerate(clf.categories)}
        texts = [s.text for s in sents]
        # the sentence head heard only on sentences that may tell of work; the same for every assessment below
        sentence_head, sentence_at = urgency.sentence_head(texts, encoded.urgent_sentence_probas.tolist())

        def assess_urgency(categories: list[str], head: bool = True) -> tuple[bool, str | None]:
            never = 2.0  # a threshold no probability reaches: the head raises no alarm of its own
            return urgency.assess(
                texts,
                categories,
                state.facts.workers_affected,
                scores,
                encoded.urgent_proba,
                clf.urgent_threshold if head else never,
                self._head_floor(clf),
                encoded.urgent_window_proba,
                clf.urgent_window_threshold if head else never,
                sentence_head,
                clf.urgent_sentence_threshold if head else never,
                sentence_at,
            )

        urgent, reason = assess_urgency(categories)
        decided_again: list[int] | None = None
        joined = " ".join(texts)
        # a customer, a passer-by or a neighbour reporting a business: no grievance against their employer,
        # even when the danger they saw is urgent (nlp.scope)
        outsider = scope.outsider_report(joined)
        if urgent and chosen == [oos] and not outsider and scope.no_workers_grievance(joined):
            # the employer's own question read as out_of_scope («обязаны ли мы обучать монтажников работам
            # на высоте?»): only the rules may raise an alarm (an accident it reports); the head, trained on
            # whole complaints, hears the safety words as a danger
            urgent, reason = assess_urgency(categories, head=False)
        if (
            urgent
            and chosen == [oos]
            and not outsider
            and (fused[oos] < clf.urgent_oos_to_labour_max or scope.own_workplace(joined))
            and not scope.employer_question(joined)
        ):
            # For an out_of_scope complaint the urgency rules ask for a workplace: danger or an accident at
            # work is a labour matter, so it takes its best labour category, unless the classifier is sure
            # (train.PARAMS urgent_oos_to_labour_max) and the writer does not speak of their own workplace
            decided_again = [int(np.argmax(np.where(np.arange(n_cat) == oos, -np.inf, fused)))]
        elif (
            chosen == [oos]
            and not urgent
            and "discrimination" in clf.categories
            and scope.refused_hire(joined)
        ):
            # a job refused for age, children, a disability or sex in a café or a shop: the classifier hears
            # a customer's complaint, the labels a worker's (discrimination in hiring)
            decided_again = [clf.categories.index("discrimination")]
        elif (
            oos >= 0
            and chosen != [oos]
            and (
                outsider
                or (
                    (not urgent or reason == urgency.rules().mass_reason)
                    and scope.no_workers_grievance(joined)
                )
            )
        ):
            # the employer asking what to do about their own worker, a landlord about a tenant's wages, a job
            # seeker about the rules before signing (see nlp.scope), when not urgent (the employer's question
            # about an accident: the branch below). Mass arrears do not keep it: their headcount is then the
            # employer's staff («у нас 12 работников, один носит больничные»). An outsider's danger keeps its
            # alarm but not a labour label
            decided_again = [oos]
            urgent, reason = assess_urgency(["out_of_scope"])
        elif (
            oos >= 0
            and chosen != [oos]
            and urgent
            and (scope.employer_question(joined) or scope.employer_reply(joined))
        ):
            # the employer asking how to investigate or register an accident at their firm, or reporting on
            # the inspectorate's order: a consultation or a reply, not a worker's complaint (the labels make
            # it out_of_scope), but the alarm stays — the inspectorate hears of the accident
            decided_again = [oos]
        if decided_again is not None:
            problems = self._problems(state, decided_again, confidence, P, encoded.rows)
            categories = [p.category for p in problems]
        if categories != ["out_of_scope"] and not urgent and scope.doubtful_grievance(joined):
            # maybe no grievance («пока ни разу не брала, хочу знать заранее», «я директор … так можно?»): an
            # inspector decides
            for problem in problems:
                problem.confidence = min(problem.confidence, DOUBTFUL_GRIEVANCE_CONFIDENCE)
        if categories == ["out_of_scope"]:
            # residents' signatures, an employer's staff, a queue in a shop: no worker's rights are at stake
            state.facts.workers_affected = None
            labour_sentence = max((float(sent_max[j]) for j in range(n_cat) if j != oos), default=0.0)
            ceiling = out_of_scope_ceiling(labour_sentence, OUT_OF_SCOPE_DOUBT)
            for problem in problems:
                problem.confidence = min(problem.confidence, ceiling)
        return Analysis(
            categories, problems, state.facts, urgent, reason, clf.review_threshold, state.truncated
        )

    def _problems(
        self,
        state: _State,
        chosen: list[int],
        confidence: np.ndarray,
        P: np.ndarray,
        feats: list[tuple[np.ndarray, np.ndarray]],
    ) -> list[Problem]:
        clf = self.classifier
        text = state.source if state.source is not None else state.text
        sents = state.sents
        if not sents:
            return []
        none_row = clf.sent_classes.index(NONE)
        rows = [clf.sent_classes.index(clf.categories[j]) for j in chosen]
        allowed = P[:, rows + [none_row]]
        labels = [rows[k] if k < len(rows) else none_row for k in np.argmax(allowed, axis=1)]
        for row in rows:  # every chosen category gets at least its most typical sentence
            if row not in labels:
                candidates = [
                    k for k in range(len(sents)) if labels.count(labels[k]) > 1 or labels[k] == none_row
                ]
                best = max(candidates or range(len(sents)), key=lambda k: P[k, row])
                labels[best] = row
        problems = []
        for j, row in zip(chosen, rows, strict=False):
            runs = _runs([k for k, label in enumerate(labels) if label == row], labels, none_row)
            if not runs:
                # fewer sentences than chosen categories («не платят и трудовую не отдают»): the category
                # shares its best sentence rather than being dropped (train-only CV of the whole pipeline:
                # 52 of 1880 complaints lost a category this way; macro-F1 0.846 → 0.869)
                best = int(np.argmax(P[:, row]))
                runs = [(best, best)]
            first, last = max(runs, key=lambda run: float(P[run[0] : run[1] + 1, row].sum()))
            start, end = sents[first].start, sents[last].end
            if state.index is not None:  # transliterated: offsets into the original
                start, end = state.index[start], state.index[end - 1] + 1
            idx = np.concatenate([feats[k][0] for k in range(first, last + 1)])
            val = np.concatenate([feats[k][1] for k in range(first, last + 1)])
            category = clf.categories[j]
            problems.append(
                Problem(
                    category,
                    float(confidence[j]),
                    start,
                    end,
                    text[start:end],
                    clf.evidence(category, idx, val),
                )
            )
        problems.sort(key=lambda p: p.start)
        return problems


def _is_authority(name: str) -> bool:
    return bool(
        re.search(
            r"инспекц|ГИТ|Роструд|прокуратур|суд\b|суда\b|ФНС|налогов|Госуслуг|Минтруд|полици",
            name,
            re.IGNORECASE,
        )
    )


def _runs(indices: list[int], labels: list[int], none_row: int) -> list[tuple[int, int]]:
    """Maximal runs of a category's sentences, bridging gaps made only of ``_none`` sentences."""
    runs: list[tuple[int, int]] = []
    for k in indices:
        if runs and all(labels[m] == none_row for m in range(runs[-1][1] + 1, k)):
            runs[-1] = (runs[-1][0], k)
        else:
            runs.append((k, k))
    return runs


def analyze(text: str) -> Analysis:
    """Triage one complaint with the default analyser."""
    return Analyzer.default().analyze(text)
