"""Urgency: rules from ``nlp/rules/urgency.yaml`` plus the classifier's workplace_accident label."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

import yaml

from nlp.facts import majority_paid, writer_alone_unpaid
from nlp.fastre import LowerPattern, fold_case

RULES_PATH = Path(__file__).with_name("rules") / "urgency.yaml"
ACCIDENT_REASON = "несчастный случай на производстве"
# the categories whose unpaid money can be mass wage arrears
WAGE_CODES = ("wage_arrears", "final_pay")
DANGER_REASON = "угроза жизни и здоровью работников"


@dataclass(frozen=True)
class Rule:
    reason: str
    patterns: tuple[LowerPattern, ...]
    unless: tuple[LowerPattern, ...]
    # skip a sentence about a relative that names no work near the match nor in the sentence before, or one
    # set at home, on holiday or in private life that names no work («отчим умер в сентябре», «дома колол
    # дрова и рассёк ногу»; see _off_work_story)
    family_guard: bool = False
    # skip a sentence set in private life (`private_life`) that names no work, whoever it is about («в прошлом
    # году у меня был пожар в квартире»); family_guard does this and more
    off_work_guard: bool = False
    # counts only when the classifier's urgency head gives the complaint at least `accident_head_floor`
    weighed_by_head: bool = False
    # counts only when the whole letter matches it too (ventilation out of order where fumes or heat are
    # named)
    context: LowerPattern | None = None


@dataclass(frozen=True)
class Rules:
    rules: tuple[Rule, ...]
    mass_reason: str
    mass_min_workers: int
    mass_patterns: tuple[LowerPattern, ...]
    arrears: LowerPattern
    classifier_min_score: float
    mass_plural_patterns: tuple[LowerPattern, ...] = ()
    workplace: tuple[LowerPattern, ...] = ()
    wage_words: LowerPattern | None = None
    family: tuple[LowerPattern, ...] = ()
    family_work: tuple[LowerPattern, ...] = ()
    off_work: tuple[LowerPattern, ...] = ()
    private_life: tuple[LowerPattern, ...] = ()
    off_work_or_trade: tuple[LowerPattern, ...] = ()
    accident_head_floor: float = 0.0
    mass_min_score: float = 0.25
    extras: LowerPattern | None = None
    wage_nouns: LowerPattern | None = None
    paid: tuple[LowerPattern, ...] = ()
    paid_unless: LowerPattern | None = None
    people_in_digits: LowerPattern | None = None
    ordinary_conditions: LowerPattern | None = None
    danger_words: LowerPattern | None = None
    all_but_writers: LowerPattern | None = None
    danger_denied: tuple[LowerPattern, ...] = ()
    danger_denied_question: LowerPattern | None = None
    danger_denied_before: LowerPattern | None = None

    @cached_property
    def work_ties(self) -> tuple[LowerPattern, ...]:
        """What ties a death, an injury or a place to work: `workplace` and `family_work`."""
        return (*self.workplace, *self.family_work)

    @cached_property
    def injury_words(self) -> tuple[LowerPattern, ...]:
        """The patterns of the death and injury rules (`family_guard`)."""
        return tuple(p for rule in self.rules if rule.family_guard for p in rule.patterns)

    @cached_property
    def injury_unless(self) -> tuple[LowerPattern, ...]:
        """The `unless` patterns of the death and injury rules: an old accident investigated and settled, an
        injury on holiday, «никто не травмировался» …"""
        return tuple(p for rule in self.rules if rule.family_guard for p in rule.unless)

    @cached_property
    def off_work_places(self) -> tuple[LowerPattern, ...]:
        """Where a death, an injury or a danger is set off work: `off_work` and `private_life`."""
        return (*self.off_work, *self.private_life)


@cache
def rules(path: Path = RULES_PATH) -> Rules:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    names: dict[str, str] = data.get("names") or {}

    def pattern(text: str) -> LowerPattern:
        """Matched on text folded by `fold_text` (see ``nlp.fastre``); {name} is one of `names`."""
        for name, alternatives in names.items():
            text = text.replace("{" + name + "}", alternatives)
        return LowerPattern(text)

    def compile_all(patterns: list[str] | None) -> tuple[LowerPattern, ...]:
        return tuple(pattern(p) for p in patterns or [])

    def optional(text: str | None) -> LowerPattern | None:
        return pattern(text) if text else None

    mass = data["mass_wage_arrears"]
    denied = data.get("danger_denied") or {}
    return Rules(
        tuple(
            Rule(
                r["reason"],
                compile_all(r["patterns"]),
                compile_all(r.get("unless")),
                bool(r.get("family_guard")),
                bool(r.get("off_work_guard")),
                bool(r.get("weighed_by_head")),
                optional(r.get("context")),
            )
            for r in data["rules"]
        ),
        mass_reason=mass["reason"],
        mass_min_workers=int(mass["min_workers"]),
        mass_patterns=compile_all(mass.get("patterns")),
        arrears=pattern(mass["arrears"]),
        classifier_min_score=float(data.get("classifier_min_score", 0.25)),
        mass_plural_patterns=compile_all(mass.get("plural_patterns")),
        workplace=compile_all(data.get("workplace")),
        wage_words=optional(mass.get("wage_words")),
        family=compile_all(data.get("family")),
        family_work=compile_all(data.get("family_work")),
        off_work=compile_all(data.get("off_work")),
        private_life=compile_all(data.get("private_life")),
        off_work_or_trade=compile_all(data.get("off_work_or_trade")),
        accident_head_floor=float(data.get("accident_head_floor", 0.0)),
        mass_min_score=float(mass.get("min_score", data.get("classifier_min_score", 0.25))),
        extras=optional(mass.get("extras")),
        wage_nouns=optional(mass.get("wage_nouns")),
        paid=compile_all(mass.get("paid")),
        paid_unless=optional(mass.get("paid_unless")),
        people_in_digits=optional(mass.get("people_in_digits")),
        ordinary_conditions=optional(data.get("ordinary_conditions")),
        danger_words=optional(data.get("danger_words")),
        all_but_writers=optional(mass.get("all_but_writers")),
        danger_denied=compile_all(denied.get("patterns")),
        danger_denied_question=optional(denied.get("question")),
        danger_denied_before=optional(denied.get("before")),
    )


def fold_text(text: str) -> str:
    """What the patterns are matched on: lower case, «ё» → «е»."""
    return text.lower().replace("ё", "е")


def _fold(sentences: list[str]) -> list[str]:
    return [fold_text(s) for s in sentences]


def _rule_matches(folded: list[str]) -> Iterator[tuple[Rule, int]]:
    """(rule, sentence index) of every rule that fires on a folded sentence, in file order then sentence
    order; lazy, so the first match costs no more than finding it."""
    whole = "\n".join(folded)
    config = rules()
    story_off_work: bool | None = None  # _story_set_off_work, computed when first needed
    for rule in config.rules:
        firing = [p for p in rule.patterns if p.search(whole)]  # cheap pre-check on the whole text
        if not firing or (rule.context is not None and not rule.context.search(whole)):
            continue
        for at, sentence in enumerate(folded):
            match = next((m for p in firing if (m := p.search(sentence))), None)
            if match is not None and not any(p.search(sentence) for p in rule.unless):
                if rule.family_guard and _off_work_story(folded, at, match, config):
                    continue
                if rule.family_guard and not any(p.search(sentence) for p in config.work_ties):
                    if story_off_work is None:
                        story_off_work = _story_set_off_work(folded, config)
                    if story_off_work:
                        continue
                if rule.off_work_guard and _set_off_work(sentence, config.private_life, config):
                    continue
                yield rule, at


# How near (in characters) to a relative's death or injury a word of work must stand in its sentence to tie
# the two («мужа на стройке придавило плитой», «бабушка убирает в офисе, поскользнулась … и сломала шейку
# бедра»), not across a turn of the story (_STORY_BREAK): a long letter names the writer's own job beside a
# relative's illness («работала там официанткой …, а в 2020 году вернулась, потому что папа … умер»).
# With `private_life` (nlp/rules/urgency.yaml), on train 30 202 and the fresh batches 515–517, 520, 522, 523
# (whole pipeline): 27 false alarms fewer, no urgent complaint lost; with the urgency head silenced (rules and
# categories alone) 45 fewer, 1 lost. A window of 30 without the breaks lost «Бабушка убирает в офисе …»
FAMILY_TIE_WINDOW = 60
# where a life story turns to another person or time: «…, потому что папа заболел», a dash, brackets
_STORY_BREAK = re.compile(r"\b(?:потому что|так как|поэтому|после того как)\b|[;()—–]|\s-\s")
# the writer speaking of themselves («я фельдшер», «работаю диспетчером», «у меня смены»): such a sentence
# before a relative's death does not tie it to work (_tied_before). Train 30 202 + the untrained batches (880,
# whole pipeline): 9 false alarms fewer, no urgent complaint lost; with the urgency head silenced 31 fewer,
# none lost; held-out: urgent precision up on the life-story sets 521, 525, 531, nothing else moved
_WRITER_SELF = re.compile(r"\b(?:я|работаю|тружусь|меня|мне)\b")


# work named only to deny it («не на работе», «с работой не связана», «не производственная»), and the words of
# a cover-up, where such a denial is what the employer asks for and the injury is a worker's (194 of the 288
# training letters with «не на работе» are urgent). Train 30 202 + the untrained batches (880): 9 false alarms
# fewer with the whole pipeline and with the urgency head silenced, no urgent complaint lost
_WORK_DENIED = re.compile(
    r"\bне (?:на работе|на производстве|на смене|по работе|производственн\w*|рабоч\w*)|"
    r"\b(?:с|к) работой (?:\w+ )?не (?:связан\w*|относ\w*)|\bне связан\w* с работой|"
    r"\bк работе (?:\w+ ){0,2}(?:никакого )?отношени\w* не име\w*|\bникакого отношения к работе"
)
_COVER_UP = re.compile(
    r"написа|оформ|указа|запис|скры|будто|якобы|заставля|заставил|просят|просил|велел|уговарива|предлага|"
    r"выдать за|выдают за|подписа|объяснительн"
)


# the way to or from work on foot, by bus or in one's own car («шла утром на работу, поскользнулась у
# подъезда», «возвращалась с работы, на переходе сбил автомобиль»): work is named only as where the writer was
# going (no accident at work by law, ТК ст. 229.2), unless the employer carried them («на служебном автобусе»)
_COMMUTE = re.compile(
    r"\b(?:по дороге|по пути|шл[аи]|шел|ехал\w*|возвращал\w*|добирал\w*|спешил\w*|бежал\w*) (?:\w+ ){0,2}"
    r"(?:на работу|с работы|на смену|со смены)\b"
)
_EMPLOYER_TRANSPORT = re.compile(
    r"служебн|вахтовк|развозк|корпоративн\w* (?:автобус|транспорт)|"
    r"автобус\w* (?:предприяти|компани|завод|фирм|организаци)"
)
# a pedestrian or a passenger run down: the driver is the other party, no work of the writer's («меня сбила
# машина на остановке, водитель скрылся»), unless the writer is the driver («я водитель»)
_RUN_DOWN = re.compile(
    r"сбил\w* (?:\w+ )?(?:машин|автомобил|грузовик|автобус|фур|маршрутк|такси)|"
    r"попал\w* под (?:\w+ )?(?:машин|автомобил|грузовик|автобус)|в (?:нас|меня|нашу машину) (?:\w+ )?врезал"
)
_OTHER_DRIVER = re.compile(r"(?<!я )\b(?:водитель|водителя|водителю|шофер|шофера|виновник\w*)\b")


# the writer's word that they work («я работаю кассиром, а в магазине у дома поскользнулась»): no workplace of
# the injury an out_of_scope letter tells. Train 30 202 + the untrained batches (1 600): 15 false alarms fewer
# with the whole pipeline, 26 with the urgency head silenced, no urgent complaint lost (dropping «работаю»
# from `workplace` everywhere lost 3 outsiders' «я там не работаю» letters labelled urgent)
_WRITER_WORKS = re.compile(r"\bработаю\b")


def _work_named_aside(sentence: str) -> str | None:
    """The sentence without the words that name work only to deny it or as the way there, when it has such
    words and no cover-up; else None."""
    if _COVER_UP.search(sentence):
        return None
    aside = _WORK_DENIED.sub(" ", sentence)
    if not _EMPLOYER_TRANSPORT.search(sentence):
        aside = _COMMUTE.sub(" ", aside)
    return aside if aside != sentence else None


def _off_work_story(folded: list[str], at: int, match: re.Match[str], config: Rules) -> bool:
    """An injury at home or on holiday («В отпуске в Турции я упала и сломала лодыжку») in a sentence that
    names no work, or a life story's relative («отчим умер в сентябре», «мама упала и сломала шейку бедра») or
    a hobby that may be a trade («на рыбалке») with no work named near the `match` (FAMILY_TIE_WINDOW) nor in
    the sentence before, or an injury said not to be at work («раз травма не на работе, больничный не
    оплатят»): not a worker's death or injury (the classifier's urgency head still weighs the complaint)."""
    ties = config.work_ties
    sentence = folded[at]
    if any(p.search(sentence) for p in config.off_work_places) or _work_named_aside(sentence) is not None:
        # where it happened is told: «Работаю пекарем. В отпуске упал с лестницы» is no accident at work
        return _set_off_work(sentence, config.off_work_places, config)
    if not any(p.search(sentence) for p in (*config.family, *config.off_work_or_trade)):
        return False
    start = max(0, match.start() - FAMILY_TIE_WINDOW)
    end = match.end() + FAMILY_TIE_WINDOW
    start = max([start] + [b.end() for b in _STORY_BREAK.finditer(sentence, start, match.start())])
    after = _STORY_BREAK.search(sentence, match.end(), end)
    near = sentence[start : after.start() if after else end]
    if any(p.search(near) for p in ties):
        return False
    return not _tied_before(folded, at, config)


def _story_set_off_work(folded: list[str], config: Rules) -> bool:
    """The letter sets its injury off work once — a sentence with a death or injury word at home or on
    holiday («дома упала с табуретки, перелом шейки бедра»), or the writer's denial («Это никак не связано с
    работой») — so a later or earlier word of it that names no work («не успела отгулять из-за травмы», «на
    трассе упал и сломал запястье») is the same story. Train 30 202 + the untrained batches (1 360): 13
    false alarms fewer with the whole pipeline, 22 with the urgency head silenced, none lost."""
    for sentence in folded:
        denied = _WORK_DENIED.search(sentence) is not None and _COVER_UP.search(sentence) is None
        told = denied or any(p.search(sentence) for p in config.injury_words)
        if told and _set_off_work(sentence, config.off_work_places, config):
            return True
    return False


def _tied_before(folded: list[str], at: int, config: Rules) -> bool:
    """The sentence before `at` ties a relative's death or injury to work («Муж у меня на стройке.»), unless
    it is the writer's word about their own job and names no relative («Я операционист в ПАО …, работаю в
    отделении.» before «Муж погиб — утонул на рыбалке»)."""
    if at == 0 or not any(p.search(folded[at - 1]) for p in config.work_ties):
        return False
    before = folded[at - 1]
    return _WRITER_SELF.search(before) is None or any(p.search(before) for p in config.family)


def _set_off_work(sentence: str, places: tuple[LowerPattern, ...], config: Rules) -> bool:
    """The sentence is set at one of the `places` off work and names no work: «травма бытовая, с работой не
    связана» names work only to deny it, «шла утром на работу» only as where the writer was going, unless the
    writer was made to say or sign so (a cover-up: «заставили написать, что травма бытовая, не на работе»);
    the driver who ran a pedestrian down is no work of the writer's.
    The way to work, the driver, bus stops and hospital wards (stop 36): train 30 202 + the untrained
    batches (1 360), whole pipeline 12 false alarms fewer, with the urgency head silenced 8, no urgent
    complaint lost."""
    aside = _work_named_aside(sentence)
    if aside is None and not any(p.search(sentence) for p in places):
        return False
    sentence = aside or sentence
    if _RUN_DOWN.search(sentence):
        sentence = _OTHER_DRIVER.sub(" ", sentence)
    return not any(p.search(sentence) for p in config.work_ties)


def sentence_head_proba(sentences: list[str], probas: list[float]) -> float:
    """The urgency sentence head's highest probability over the sentences that may tell of work (see
    `sentence_head`)."""
    return sentence_head(sentences, probas)[0]


def sentence_head(sentences: list[str], probas: list[float]) -> tuple[float, int | None]:
    """The urgency sentence head's highest probability over the sentences that may tell of work, and that
    sentence's index: not one set in private life or off work that names no work («в 2019 году у меня
    случился пожар на даче»), nor one about a relative that names no work, with the sentence before («муж
    погиб три года назад — разбился на машине»).
    Train 30 202 and the six untrained batches (whole pipeline): 39 false alarms fewer, no urgent complaint
    lost; held-out: urgent precision up on blind 41, 347, 521, 525, 531, nothing else moved.
    Nor a sentence of ordinary working conditions that names no danger (`_ordinary_conditions`)."""
    config = rules()
    folded = _fold(sentences)
    best, best_at = 0.0, None
    for at, (sentence, proba) in enumerate(zip(folded, probas, strict=False)):
        if proba <= best or _set_off_work(sentence, config.off_work_places, config):
            continue
        if _ordinary_conditions(sentence, config) or _injury_ruled_out(sentence, config):
            continue
        if any(p.search(sentence) for p in config.family) and not (
            any(p.search(sentence) for p in config.work_ties) or _tied_before(folded, at, config)
        ):
            continue
        best, best_at = proba, at
    return best, best_at


def _ordinary_conditions(sentence: str, config: Rules) -> bool:
    """The sentence tells of gloves, overalls, briefings, check-ups, ventilation, light, heat or cold or heavy
    loads and names no danger, injury or harm (`ordinary_conditions`, `danger_words`): the sentence head,
    alone, hears a danger to life in it («Перчатки не выдают, работаем голыми руками», «Вентиляция еле
    работает»), which the labels call an ordinary safety violation."""
    if config.ordinary_conditions is None or not config.ordinary_conditions.search(sentence):
        return False
    return config.danger_words is None or not config.danger_words.search(sentence)


def danger_denied(folded: list[str], config: Rules) -> bool:
    """The writer says plainly that there is no danger now («Опасности для жизни нет, но так работать
    унизительно»): not asking it, doubting it or quoting another who says so (`danger_denied`)."""
    question, before = config.danger_denied_question, config.danger_denied_before
    for sentence in folded:
        for pattern in config.danger_denied:
            for match in pattern.finditer(sentence):
                if question is not None and question.search(sentence[match.end() :]):
                    continue
                if before is not None and before.search(sentence[max(0, match.start() - 40) : match.start()]):
                    continue
                return True
    return False


def _injury_ruled_out(sentence: str, config: Rules) -> bool:
    """The sentence tells of an injury that the rules' own exceptions set aside — settled long ago («травму
    расследовали, акт Н-1 выдали, претензий нет»), on holiday, denied: the sentence head, alone, does not hear
    it again."""
    return any(p.search(sentence) for p in config.injury_unless) and any(
        p.search(sentence) for p in config.injury_words
    )


def _injury_set_aside(folded: list[str], config: Rules) -> bool:
    """Words of a death or injury rule are in the text; called when none of those rules fired, so each such
    sentence was set aside: off work, a relative's life story, or an `unless` («В воскресенье на катке упала,
    сломала ногу»)."""
    return any(p.search(sentence) for p in config.injury_words for sentence in folded)


def _in_or_after(folded: list[str], at: int, patterns: tuple[LowerPattern, ...]) -> bool:
    """A pattern matches sentence `at` or the one before it («Работает курьером. Сбила машина.»)."""
    return any(p.search(c) for c in folded[max(0, at - 1) : at + 1] for p in patterns)


# where a clause ends: punctuation, a dash, «но», «а», «однако»
_CLAUSE_END = re.compile(r"[.,;:!?()\n—–]|\s(?:но|а|однако|зато)\s")


def arrears_told(text: str, config: Rules) -> bool:
    """Arrears words (``arrears``) in a clause that is not about extras only (``extras`` without
    ``wage_nouns``): «переработки не оплачивают» is no unpaid wage, «ни зарплату, ни сверхурочные не платят»
    is. `text` is folded."""
    if config.extras is None or config.wage_nouns is None:
        return config.arrears.search(text) is not None
    for match in config.arrears.finditer(text):
        head = max(
            (m.end() for m in _CLAUSE_END.finditer(text, max(0, match.start() - 80), match.start())),
            default=max(0, match.start() - 80),
        )
        tail_match = _CLAUSE_END.search(text, match.end())
        tail = min(tail_match.start() if tail_match else len(text), match.end() + 60)
        clause = text[head:tail]
        if not config.extras.search(clause) or config.wage_nouns.search(clause):
            return True
    return False


def wages_paid(folded: list[str], config: Rules) -> bool:
    """A sentence says the wages are paid («Зарплату платят без задержек»), not that they were once
    («раньше платили вовремя»)."""
    return any(
        any(p.search(sentence) for p in config.paid)
        and not (config.paid_unless is not None and config.paid_unless.search(sentence))
        for sentence in folded
    )


def _names_many_people(text: str, config: Rules) -> bool:
    """A number of people in digits of at least `mass_min_workers` («230 человек», «нам 25 мужикам»)."""
    if config.people_in_digits is None:
        return False
    return any(int(m.group("n")) >= config.mass_min_workers for m in config.people_in_digits.finditer(text))


def rule_reason(sentences: list[str]) -> str | None:
    """The reason of the first rule (in file order) that fires on any sentence."""
    return next((rule.reason for rule, _ in _rule_matches(_fold(sentences))), None)


def assess(
    sentences: list[str],
    categories: list[str],
    workers_affected: int | None,
    scores: dict[str, float] | None = None,
    urgent_proba: float = 0.0,
    urgent_threshold: float = 2.0,
    head_floor: float = 0.0,
    window_proba: float = 0.0,
    window_threshold: float = 2.0,
    sentence_proba: float = 0.0,
    sentence_threshold: float = 2.0,
    sentence_at: int | None = None,
) -> tuple[bool, str | None]:
    """(urgent, reason) for a complaint given its sentences, predicted categories, facts and the
    classifier's category scores. Urgency prefers recall: a category counts here from a lower score
    (``classifier_min_score``) than the one that puts it among the complaint's categories.

    A complaint classified only as out_of_scope (a consumer's food poisoning, a neighbour's accident, a pet's
    death) is urgent only when a sentence that fired (a death, an accident, a poisoning, a danger), or the
    sentence before it, speaks of a workplace or work («на смене», «в цеху», «на складе», «начальник»), or
    for unpaid wages of the whole staff («всей смене не выдали зарплату»): the classifier may have missed a
    labour complaint, and urgency prefers recall. No rule reads mass arrears when a sentence says the wages
    are paid now (``paid``, unless ``paid_unless``: «пока зарплата приходит вовремя», not «остальным
    выплатили»).

    Last, the classifier's urgency head (``urgent_proba`` ≥ ``urgent_threshold``, or over a few consecutive
    sentences ``window_proba`` ≥ ``window_threshold``, or its sentence head in one sentence
    ``sentence_proba`` ≥ ``sentence_threshold``) catches accidents and dangers told in words no rule knows
    («бык затоптал», «кровля села, двоих привалило»); its reason is an accident when the classifier scores
    workplace_accident above occupational_safety, else a danger, and mass arrears for unpaid wages with
    neither category in sight — where it stays silent when fewer than ``mass_min_workers`` are counted and
    the text names no more people in digits (``people_in_digits``), and when the money told unpaid is the
    writer's alone (`writer_alone_unpaid`: «склад на 450 человек. Мне должны за декабрь 67 тыс.»), which
    silences the count and the whole staff's words too. For a complaint classified only as
    out_of_scope the head counts only when the text speaks of a workplace — in the sentence head's own
    sentence or the one before (``sentence_at``) when only that head heard it; the rules' workplace test there
    ignores the writer's «работаю».

    The head also weighs the death and accident rules (``weighed_by_head``) and the workplace_accident
    category: below ``head_floor`` (the pipeline passes ``accident_head_floor``) they raise no alarm — a life
    story's «в 2018 году попал под машину», «папа умер в больнице от инсульта» get almost nothing from the
    head, trained on whole complaints; dangers, poisonings and mass arrears do not ask it. The writer's own
    word that there is no danger now (`danger_denied`: «Опасности прямо сейчас нет, но …») cancels a danger to
    life from the rules or the heads — not a death, an accident, a poisoning or mass arrears."""
    config = rules()
    scores = scores or {}
    out_of_scope = categories == ["out_of_scope"]
    folded = _fold(sentences)
    heard = urgent_proba >= head_floor
    denied = danger_denied(folded, config)
    for rule, at in _rule_matches(folded):
        if (rule.weighed_by_head and not heard) or (denied and rule.reason == DANGER_REASON):
            continue
        if not out_of_scope:
            return True, rule.reason
        # the writer's word that they work («я работаю кассиром») is no workplace of the injury
        unsaid_job = [_WRITER_WORKS.sub(" ", sentence) for sentence in folded]
        if _in_or_after(unsaid_job, at, config.workplace):
            return True, rule.reason

    def likely(category: str) -> bool:
        return category in categories or scores.get(category, 0.0) >= config.classifier_min_score

    if heard and likely("workplace_accident") and not out_of_scope:
        # the category's doubtful score does not overrule an injury the text sets at home or on holiday
        if "workplace_accident" in categories or not _injury_set_aside(folded, config):
            return True, ACCIDENT_REASON
    text = " ".join(folded)
    wages_told = any(c in categories for c in WAGE_CODES) or arrears_told(text, config)
    wages_scored = any(scores.get(c, 0.0) >= config.mass_min_score for c in WAGE_CODES)
    # the writers' word that they are paid now («пока зарплата приходит вовремя») outweighs the category, its
    # score and the count: the arrears are paid off, only threatened, or of extras
    paid_now = (wages_told or wages_scored) and wages_paid(folded, config)
    wages = wages_told or (wages_scored and not paid_now)

    def most_paid() -> bool:
        # read on the text with its «ё»: «и всё» is no «все»
        return majority_paid(fold_case(" ".join(sentences)))

    # the money told unpaid is the writer's alone, a staff named only as its size («склад на 450 человек. Мне
    # должны за декабрь 67 тыс.»): the count is the staff's, the head's alarm is not for mass arrears
    def writer_alone() -> bool:
        return wages and writer_alone_unpaid(text, staff_named=True)

    def whole_staff_unpaid() -> bool:
        # «всем / никому / весь цех» is the whole staff only when no smaller number is named («нас трое»), the
        # writers do not set themselves apart from it («всей бригаде перевели, кроме меня») and it was not
        # mostly paid
        return (
            workers_affected is None
            and not (config.all_but_writers is not None and config.all_but_writers.search(text))
            and not most_paid()
            and not writer_alone()
        )

    if wages and not out_of_scope and not paid_now:
        if (
            workers_affected is not None
            and workers_affected >= config.mass_min_workers
            and not writer_alone()
        ):
            return True, config.mass_reason
        if any(p.search(text) for p in config.mass_patterns) and whole_staff_unpaid():
            return True, config.mass_reason
        if any(p.search(text) for p in config.mass_plural_patterns) and whole_staff_unpaid():
            return True, config.mass_reason
    if (
        out_of_scope
        and config.wage_words is not None
        and config.wage_words.search(text)
        and arrears_told(text, config)
        and (
            (workers_affected is not None and workers_affected >= config.mass_min_workers)
            or (any(p.search(text) for p in config.mass_patterns) and whole_staff_unpaid())
        )
    ):
        # «всей смене не выдали зарплату», «у нас на комбинате почти 200 человек без зарплаты» in a letter
        # read as out_of_scope
        return True, config.mass_reason
    head_fires = (
        urgent_proba >= urgent_threshold
        or window_proba >= window_threshold
        or sentence_proba >= sentence_threshold
    )
    wages_alone = wages and not likely("occupational_safety") and not likely("workplace_accident")
    if (
        head_fires
        and wages_alone
        and (
            (workers_affected is not None and (not _names_many_people(text, config) or most_paid()))
            or writer_alone()
        )
    ):
        # the head learned mass arrears too: unpaid wages of a counted few («нас в бригаде 6 человек») with no
        # sign of a danger or an accident are the count's to decide, which said no above — unless the text
        # names more people than were counted («никому — это 230 человек …, в бригаде осталось 4») and not as
        # a staff most of whom were paid («на складе 48 человек, … получили все, кроме нас четверых»); nor
        # the writer's own money unpaid while the others are paid («на заводе 900 человек … мне одной из всего
        # офиса задерживают»)
        return False, None
    if (
        out_of_scope
        and sentence_at is not None
        and urgent_proba < urgent_threshold
        and window_proba < window_threshold
    ):
        # only the sentence head heard it: the workplace must be in that sentence or the one before, not in
        # the writer's word about their own job elsewhere («Я работаю диспетчером в такси» after a
        # grandmother's fall in a care home). Train 30 202 + the untrained batches (1 360), whole pipeline: 54
        # false alarms fewer, no urgent complaint lost
        head_fires = head_fires and _in_or_after(folded, sentence_at, config.workplace)
    if head_fires and (not out_of_scope or any(p.search(text) for p in config.workplace)):
        if wages_alone:
            return True, config.mass_reason  # what the head heard is the arrears
        accident = scores.get("workplace_accident", 0.0) >= scores.get("occupational_safety", 0.0)
        if not accident and denied:
            return False, None  # the writer says there is no danger now
        return True, ACCIDENT_REASON if accident else DANGER_REASON
    return False, None
