"""Urgency rules (nlp/rules/urgency.yaml) and the combination with categories and facts."""

from __future__ import annotations

import pytest

from nlp.pipeline import Analyzer
from nlp.urgency import assess, rule_reason

DEATH = "гибель работника на производстве"
ACC = "несчастный случай на производстве"
POISON = "отравление на рабочем месте"
DANGER = "угроза жизни и здоровью работников"
MASS = "массовая невыплата заработной платы"


@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        ("Вчера на стройке погиб рабочий.", DEATH),
        ("Монтажник упал с лесов и получил перелом.", ACC),
        ("Коллеге оторвало палец на станке.", ACC),
        ("Несчастный случай скрыли.", ACC),
        ("Двое рабочих отравились парами краски.", POISON),
        ("Пахнет газом второй день, хозяин говорит работайте.", DANGER),
        ("Работаем на высоте без страховки.", DANGER),
        ("Это угроза жизни работников.", DANGER),
        ("Из розетки в цеху вчера пошли искры, а мастер велел работать дальше.", DANGER),
        # a fire and broken fire-fighting gear, not fire safety or a fire brigade as an employer
        ("В цехе опять пожар из-за проводки, а нас не выпускают.", DANGER),
        ("Пожарный насос на барже не работает, а нас гонят в рейс.", DANGER),
        ("Я диспетчер пожарной части, отпуск не дают второй год.", None),
        ("Подписала журнал по пожарной безопасности, хотя никакого инструктажа не было.", None),
        ("Инструктаж по пожарке ни разу не проводили, огнетушители висят для вида.", None),
        # children coughing from a plant's smoke are residents, workers coughing from ammonia are in danger
        ("От комбината по ночам дым, у детей кашель не проходит.", None),
        ("В цехе опять пахнет аммиаком, все кашляют.", DANGER),
        # an unheated room is a matter of working conditions; no warming break in the frost is a danger
        ("Склад не отапливается, внутри около плюс восьми, сидим в куртках.", None),
        ("Работаем на улице при минус сорока без обогрева, греться негде.", DANGER),
        # insurance as a topic, working days lost: no missing harness, no missing worker
        ("Страховочных поясов на объекте нет, лезем на кровлю так.", DANGER),
        ("В трудовом договоре про страховки вообще ничего нет.", None),
        ("Потеряли вальщика в делянке, рация молчит с утра.", DANGER),
        ("Из-за их ошибки я потеряла два рабочих дня.", None),
        ("Зарплату не платят два месяца.", None),
        ("Отпуск не дают.", None),
        ("Работа травмоопасная, но СИЗ выдают.", None),
        ("Угрожают увольнением.", None),
    ],
)
def test_rules(sentence: str, reason: str | None) -> None:
    assert rule_reason([sentence]) == reason


@pytest.mark.parametrize(
    ("sentences", "reason"),
    [
        # an injury at home or on holiday, with no work named in that sentence or the one before
        (["Здравствуйте!", "В отпуске в Турции я упала на экскурсии и сломала лодыжку."], None),
        (["В феврале дома колол дрова и рассёк ногу топором.", "Больничный не оплатили."], None),
        # food eaten as a customer; food at the works canteen is work
        (["В выходные отравился шаурмой в ларьке, три дня лежал."], None),
        (["В заводской столовой на смене отравились салатом восемь рабочих."], POISON),
        # work named only to deny it; a denial the worker was made to write is a cover-up
        (["Сломал ногу на лыжах, травма бытовая, с работой не связана."], None),
        (["Бухгалтер говорит, раз травма не на работе, первые три дня не оплатят."], None),
        (["Упал со стеллажа, а начальник заставил написать, что травма не на работе."], ACC),
        # a day off or a holiday spent at work is still work
        (["В выходной вызвали на склад, я упал с лестницы и сломал ногу."], ACC),
        (["Начальник отправил меня в выходной разгружать фуру, я сорвался с борта и сломал ключицу."], ACC),
        (["Работаю грузчиком.", "Дома не был неделю, вчера упал со штабеля и сломал руку."], ACC),
        # the way to or from work is no work (ТК ст. 229.2) unless the employer carried the worker or the
        # employer made the worker write so
        (["Год назад я возвращалась с работы, и на пешеходном переходе меня сбил автомобиль."], None),
        (["Пять лет назад я попал под машину, пока шёл на смену, но это уже позади."], None),
        (["Ехали на смену на служебном автобусе, он перевернулся, у меня перелом руки."], ACC),
        (["Упала со стремянки на складе, а менеджер велел написать, что по дороге на работу."], ACC),
        # a pedestrian run down at a bus stop, a patient in a ward: the driver and the ward are not the
        # writer's work; a courier on a delivery or a nurse in the ward at work are
        (["Три года назад меня сбила машина на остановке, водитель был пьян, травма позвоночника."], None),
        (["Меня сбила машина, когда я шла с остановки, водитель скрылся."], None),
        (["Я водитель, на остановке меня сбила машина, когда я проверял колесо автобуса."], ACC),
        (["Я курьер, меня сбила машина на переходе, когда вёз заказ."], ACC),
        (["В ноябре я лежал в травматологии, ночью хотел встать, упал и сломал ногу."], None),
        # the ward told after the fall is its sequel, not where it happened (tuning batch 1038)
        (["Хозяйка велела выставлять товар на верхние полки, я упала со стремянки, лежала в больнице."], ACC),
        (["Я санитарка, в палате пациент толкнул меня, я упала и сломала руку."], ACC),
        # the letter set its injury off work once: a later word of it or the writer's denial elsewhere
        (
            [
                "Работаю гардеробщицей.",
                "В ноябре я дома упала с табуретки, перелом шейки бедра.",
                "Отпуск я не успела отгулять из-за травмы.",
            ],
            None,
        ),
        (
            [
                "В каникулы на трассе неудачно упал и сломал запястье, лечился в травмпункте.",
                "Это никак не связано с работой.",
            ],
            None,
        ),
        (["Случилось это в воскресенье, к работе травма никакого отношения не имеет."], None),
        # an injury at work told after one at home still fires
        (["В отпуске сломала руку, всё зажило.", "Вчера на складе упала со стремянки и сломала ногу."], ACC),
        (["Дома у меня трое детей.", "Вчера монтажник упал с лесов и получил перелом."], ACC),
    ],
)
def test_injuries_off_work_are_not_accidents(sentences: list[str], reason: str | None) -> None:
    assert rule_reason(sentences) == reason


@pytest.mark.parametrize(
    ("sentences", "categories", "workers", "expected"),
    [
        (["Зарплату не платят."], ["wage_arrears"], 40, (True, MASS)),
        (["Зарплату не платят."], ["wage_arrears"], 3, (False, None)),
        (["Зарплату не платят всему коллективу."], ["wage_arrears"], None, (True, MASS)),
        (["Не платят зарплату бригаде."], ["occupational_safety"], 22, (True, MASS)),  # classifier missed it
        (["Что-то случилось."], ["workplace_accident"], None, (True, ACC)),
        (["Отравился салатом в ресторане."], ["out_of_scope"], None, (False, None)),
        (["Сосед по даче погиб."], ["out_of_scope"], None, (False, None)),  # not at work
        (["На стройке погиб рабочий."], ["out_of_scope"], None, (True, DEATH)),
        (["Не дают отпуск."], ["leave"], 50, (False, None)),
    ],
)
def test_assess(
    sentences: list[str], categories: list[str], workers: int | None, expected: tuple[bool, str | None]
) -> None:
    assert assess(sentences, categories, workers) == expected


def test_out_of_scope_sentence_head_needs_a_workplace_near_its_sentence() -> None:
    # only the sentence head heard a grandmother's fall in a care home; the writer's own job named two
    # sentences later is no workplace of hers
    sentences = [
        "Бабушка живёт в доме-интернате.",
        "Кровать без бортиков, ночью она упала, разбила голову.",
        "Санитарку дозваться не могли.",
        "Я работаю диспетчером в такси и днём не вырваться.",
    ]
    head = {"sentence_proba": 0.92, "sentence_threshold": 0.8}
    assert assess(sentences, ["out_of_scope"], None, sentence_at=1, **head) == (False, None)
    # the same head with the workplace in that sentence, or without the sentence known (old callers)
    on_site = ["Кровать без бортиков, ночью на складе она упала, разбила голову.", *sentences[2:]]
    assert assess(on_site, ["out_of_scope"], None, sentence_at=0, **head)[0]
    assert assess(sentences, ["out_of_scope"], None, **head)[0]


def test_classifier_scores_count_below_the_decision_threshold() -> None:
    assert assess(
        ["Что-то случилось на складе."], ["occupational_safety"], None, {"workplace_accident": 0.3}
    ) == (
        True,
        ACC,
    )
    assert assess(
        ["Что-то случилось на складе."], ["occupational_safety"], None, {"workplace_accident": 0.1}
    ) == (
        False,
        None,
    )
    assert assess(["Задержка по расчёту."], ["dismissal"], 30, {"final_pay": 0.3}) == (True, MASS)


def test_the_urgency_head_weighs_the_death_and_accident_rules() -> None:
    """Below the head floor an accident the rules read in a life story («в 2018 году попал под машину») or the
    workplace_accident category raises no alarm; from the floor it does; dangers and mass arrears do not ask
    the head."""
    story = ["Я инвалид второй группы, в 2018 году попал под машину, после этого ампутация ноги."]
    assert assess(story, ["leave"], None, {}, 0.0) == (True, ACC)  # no floor: the rules alone
    assert assess(story, ["leave"], None, {}, 0.001, 0.2, 0.005) == (False, None)
    assert assess(story, ["leave"], None, {}, 0.01, 0.2, 0.005) == (True, ACC)
    scored = {"workplace_accident": 0.3}
    assert assess(["Что-то случилось на складе."], ["leave"], None, scored, 0.001, 0.2, 0.005) == (
        False,
        None,
    )
    height = ["Монтируем кровлю на высоте без страховки, пристегнуться некуда."]
    assert assess(height, ["occupational_safety"], None, {}, 0.0, 0.2, 0.005) == (True, DANGER)
    assert assess(["Зарплату не платят всему цеху."], ["wage_arrears"], 40, {}, 0.0, 0.2, 0.005) == (
        True,
        MASS,
    )


@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        # everyday words for deaths and injuries
        ("у нас в цеху мужика не стало прямо у станка", DEATH),
        ("Моего мужа убило током на подстанции.", DEATH),
        ("одного откопали мертвым", DEATH),
        ("Повар обварилась кипятком из котла.", ACC),
        ("меня шибануло током от щитка", ACC),
        ("током ударило когда чинил розетку", ACC),
        ("Сварщику глаз повредило окалиной.", ACC),
        ("руку сломал на складе", ACC),
        ("парень свалился с лесов с четвертого этажа", ACC),
        ("рабочий упал с 9 этажа", ACC),
        ("его увезли в больницу", ACC),
        ("мастер отвёз в травмпункт", ACC),
        ("на пилораме парню отрезало два пальца циркуляркой", ACC),
        ("грузчику придавило ногу паллетой", ACC),
        ("коллегу на складе сбил погрузчик", ACC),
        ("Санитарка уколась иглой.", ACC),
        ("у двоих обморожения пальцев", ACC),
        ("у коллеги на смене случился инфаркт", ACC),
        ("произошёл взрыв в ремонтном боксе", ACC),
        ("рабочие траванулись краской в подвале", POISON),
        ("шахтёр задохнулся в забое", POISON),
        ("у девочек закружилась голова и стало плохо от паров краски", POISON),
        # immediate danger
        ("датчики загазованности отключены", DANGER),
        ("здание аварийное, а работать заставляют", DANGER),
        ("работаем с кислотой без перчаток и очков", DANGER),
        ("запасный выход заварен", DANGER),
        ("водители засыпают за рулём", DANGER),
        ("дальнобой 30 часов без сна, диспетчер гонит дальше", DANGER),
        ("у меня 39 и горло, а заведующая говорит пить парацетамол и выходить к детям", DANGER),
        ("жена беременна, на сортировке ставят коробки по 20 кило кидать", DANGER),
        ("порезался болгаркой на работе, кожух сняли давно", ACC),
        ("3 сентября он поднял на рога моего напарника, разорван бок", ACC),
        ("на перемене у коллеги начался сердечный приступ в учительской, скорая ехала 35 минут", ACC),
        ("на складе опять коробки посыпались на девочку из приёмки", ACC),
        ("водитель вторые сутки без отдыха на маршруте", DANGER),
        ("ставят на линию по 14 часов, я за рулём автобуса с людьми засыпаю", DANGER),
        # a bus driver's hours told a sentence away from the trade, «без нормального отдыха»
        (
            "я водитель междугороднего автобуса у ИП Белов, уже неделю катаю по 15–16 часов без нормального отдыха",
            DANGER,
        ),
        # near misses and danger in everyday words
        ("на крыше нет ограждений по краю, кто-нибудь точно разобьётся", DANGER),
        ("котёл хлопает и газом пахнет, директор запрещает останавливать", DANGER),
        ("мыть окна стоя на подоконнике, вчера чуть не выпала", DANGER),
        ("брат чуть не погиб на стройке", DANGER),
        ("лезть в траншею без креплений, стенки осыпаются", DANGER),
        ("проводка в подсобке горит, дым шёл из розетки", DANGER),
        ("у трёх машин отказывали тормоза прямо на маршруте", DANGER),
        ("упала балка с крана, чудом никого не задело", DANGER),
        ("от запаха у людей идёт кровь носом", DANGER),
        ("упала тяжёлая паллета на ногу коллеге, кость торчит", ACC),
        ("Мужу бульдозером переехало ногу, лежит в больнице.", ACC),
        ("коллеге на автомойке попала в глаза химия", ACC),
        ("Коллега обморозил пальцы.", ACC),
        ("водитель уснул за рулём и съехал в кювет", ACC),
        ("вчера двое вылезли и их стошнило", POISON),
        ("водолазов отправляют под воду без страхующего", DANGER),
        ("Витьку из нашей смены забрала неотложка прямо от проходной.", ACC),
        ("Я на 22 неделе беременности, а меня ставят на приёмку, таскаю коробки по 15–20 кг.", DANGER),
        ("Вчера весь вечер тянуло низ живота.", DANGER),
        ("Знакомый из экипажа написал, что Дениса нет на судне со вчерашнего утра.", DANGER),
        ("После своей вахты он перестал выходить на связь.", DANGER),
        ("вчера на МКАДе на секунду отключился и чуть не въехал в фуру", DANGER),
        ("на заказе меня сбил самокатчик, трещина в лодыжке", ACC),
        ("Сын ушёл со смены на крышу корпуса, я боюсь за его жизнь.", DANGER),
        ("За последние два месяца к нам в аптеку дважды заходили с ножом, требовали деньги.", DANGER),
        # not urgent
        ("Мама лежит в больнице, а отпуск не дают.", None),
        ("Меня завалило работой, переработки не оплачивают.", None),
        ("Нас выселяют из служебной квартиры после смерти мужа.", None),
        # the death certificate handed in for the final pay, not the certificate's cause of death
        ("Документы (свидетельство о смерти, о браке) она отнесла в отдел кадров ещё в мае.", None),
        (
            "Подала в бухгалтерию ООО «Заря» заявление на расчёт, приложила свидетельство о смерти и о браке.",
            None,
        ),
        ("Из справки о смерти: «причина смерти: травматический шок».", DEATH),
        ("Чудом не уволили после сокращения.", None),
        ("Зарплата упала в два раза.", None),
        ("У нас нет медицинской страховки.", None),
        ("Отец умер, а мне не дали отпуск на похороны.", None),
        ("Мёртвый сезон, нас отправили в простой.", None),
        ("Пришёл с ножом и вилкой на обед, а столовую закрыли.", None),
        ("Прошу проверить датчики учёта рабочего времени, они не работают.", None),
        ("Работаю фельдшером на скорой помощи, зарплату задерживают.", None),
        ("Я лежала в больнице с пневмонией, а меня уволили.", None),
        ("У водителя обнаружили алкоголь в крови и уволили.", None),
        ("Работаем без медицинской страховки.", None),
        ("Мы откачиваем воду из котлована вручную.", None),
        ("Я беременна, а работодатель не платит декретные.", None),
        ("Боюсь за ребёнка, его не с кем оставить, а смены ставят ночные.", None),
        ("Дом сгорел ещё в 2021 году, я подавала заявление о гибели объекта.", None),
        ("У меня 39 лет стажа, а выходить на пенсию не дают.", None),
        ("Температура была 38, больничный так и не оплатили.", None),
        ("Вся ответственность упала на нас, а доплаты нет.", None),
    ],
)
def test_everyday_words(sentence: str, reason: str | None) -> None:
    assert rule_reason([sentence]) == reason


@pytest.mark.parametrize(
    ("sentences", "workers", "expected"),
    [
        (["Нам всем не платят зарплату с августа, весь цех сидит без денег."], None, (True, MASS)),
        (["Зп не платят всему заводу с весны."], None, (True, MASS)),
        (["Работники завода не получают зарплату три месяца."], None, (True, MASS)),
        (["Работники отдела не получают зарплату."], 3, (False, None)),  # a number below the minimum wins
        (["Мне не платят зарплату два месяца."], None, (False, None)),
        (["Зарплату задерживают всему нашему депо."], None, (True, MASS)),
        (["Всем педагогам и техперсоналу задерживают зарплату."], None, (True, MASS)),
        (["Не платят санитаркам и медсёстрам, нас таких больше полусотни."], None, (True, MASS)),
        (["Вся наша смена не получила аванс."], None, (True, MASS)),
        (
            ["Вся фабрика — ткачихи, мастера, наладчики — третий месяц не получает зарплату."],
            None,
            (True, MASS),
        ),
        (["Вся больница знает, что мне не платят."], None, (False, None)),
        # the whole staff paid but the writers
        (["Всей бригаде перевели аванс кроме меня."], None, (False, None)),
        (["Зарплату всем сотрудникам выплатили, кроме нас."], None, (False, None)),
        (["Зарплату всем работникам перечислили, а нашему участку нет."], None, (False, None)),
        (["Задолжали мне полсотни тысяч."], None, (False, None)),
        (["Долг по зарплате больше сотни тысяч рублей."], None, (False, None)),
    ],
)
def test_mass_arrears_without_a_number(
    sentences: list[str], workers: int | None, expected: tuple[bool, str | None]
) -> None:
    assert assess(sentences, ["wage_arrears"], workers) == expected


def test_a_staff_most_of_whom_were_paid_raises_no_mass_alarm_from_the_head() -> None:
    # the staff's number in digits does not let the head call the unpaid few mass arrears
    few = ["На складе 48 человек.", "Зарплату за март получили все, кроме нас четверых."]
    many = ["На складе 48 человек.", "Зарплату за март не получил никто, нас четверо в смене."]
    head = {"urgent_proba": 0.9, "urgent_threshold": 0.2}
    assert assess(few, ["wage_arrears"], 4, **head) == (False, None)
    assert assess(many, ["wage_arrears"], 4, **head) == (True, MASS)


def test_out_of_scope_with_unpaid_wages_of_the_whole_staff() -> None:
    staff = ["Сотрудникам УК (дворники, сантехники — вся наша смена) не выдали аванс и зарплату."]
    assert assess(staff, ["out_of_scope"], None) == (True, MASS)
    assert assess(["Фонд капремонта выставил долг всем жильцам."], ["out_of_scope"], 12) == (False, None)
    # a number of unpaid workers in a letter read as out_of_scope (a student's dormitory, and by the way…)
    dormitory = [
        "Общежитие дочери не дали.",
        "У нас на комбинате почти 200 человек четвёртый месяц без зарплаты.",
    ]
    assert assess(dormitory, ["out_of_scope"], 200) == (True, MASS)
    assert assess(dormitory, ["out_of_scope"], 3) == (False, None)


def test_out_of_scope_is_urgent_for_a_danger_only_at_a_workplace() -> None:
    assert assess(["Отравился салатом в ресторане."], ["out_of_scope"], None) == (False, None)
    assert assess(["В подъезде пахнет газом."], ["out_of_scope"], None) == (False, None)
    assert assess(["На складе пахнет газом, начальник велит работать."], ["out_of_scope"], None) == (
        True,
        DANGER,
    )
    # the writer's word that they work is no workplace of the injury they tell: a customer's fall in a shop
    customer = ["Я работаю кассиром.", "Вчера в магазине у дома поскользнулась на мокром полу, перелом руки."]
    assert assess(customer, ["out_of_scope"], None) == (False, None)
    assert assess(
        ["Я работаю кассиром, в магазине поскользнулась, перелом руки."], ["out_of_scope"], None
    ) == (
        False,
        None,
    )
    # a workplace named beside it still counts («работаем» is the staff's, not the writer's alone)
    assert assess(["Работаем в цехе, вчера коллега упал и сломал руку."], ["out_of_scope"], None)[0]


def test_the_sentence_head_alone_does_not_hear_an_injury_the_rules_set_aside() -> None:
    from nlp.urgency import sentence_head

    # an old accident investigated and settled, told before the letter's real matter (tuning batch 631)
    settled = [
        "В прошлом году я получила травму на работе, всё расследовали, акт Н-1 выдали, претензий нет.",
        "Вопрос в другом: мне третий год переносят отпуск.",
    ]
    assert sentence_head(settled, [0.99, 0.1]) == (0.1, 1)
    # an injury at work the rules keep is heard
    assert sentence_head(["Вчера на смене я упала на лестнице и сломала руку."], [0.97]) == (0.97, 0)


def test_the_sentence_head_alone_does_not_hear_ordinary_working_conditions() -> None:
    from nlp.urgency import sentence_head

    # gloves, ventilation, heavy sacks: an ordinary safety violation, however high the head scores the sentence
    ordinary = ["Перчатки не выдают, работаем голыми руками с мешками.", "Вентиляция в цеху еле работает."]
    assert sentence_head(ordinary, [0.93, 0.88]) == (0.0, None)
    # the next sentence that tells of a danger is heard instead
    danger = ["На лесах нет ограждения, вчера бетонщик чуть не сорвался."]
    assert sentence_head([*ordinary, *danger], [0.93, 0.88, 0.85]) == (0.85, 2)
    # a danger, an injury or a lift shaft named in the same sentence keeps it
    for sentence in (
        "Респираторов нет, а в ёмкости сероводород, двое уже теряли сознание.",
        "Тележки возим на грузовом лифте без двери шахты.",
        "Перчатки рвутся, вчера кладовщица порезала руку до кости, увезли в больницу.",
    ):
        assert sentence_head([sentence], [0.9]) == (0.9, 0), sentence


def test_an_ordinary_violation_heard_only_by_the_sentence_head_is_not_urgent() -> None:
    text = (
        "Здравствуйте. Я повар в столовой завода, работодатель ООО «Питание-Сервис», Тула. "
        "Вытяжка на кухне не работает, плиты старые, работаем в жаре и в чаду. "
        "Фартуки и колпаки покупаем сами. Прошу проверить."
    )
    from nlp import analyze

    assert analyze(text).urgent is False


def test_wages_delayed_told_noun_first_are_arrears_when_the_classifier_missed_them() -> None:
    # «Оплата последних двух месяцев задерживается» with 15 guards counted: mass arrears though the classifier
    # reported only working time and pay size; extras delayed («оплата сверхурочных») are no unpaid wages
    guards = ["Мы — 15 охранников на объекте.", "Оплата последних двух месяцев задерживается."]
    assert assess(guards, ["working_time", "wage_amount"], 15) == (True, MASS)
    overtime = ["Мы — 15 охранников на объекте.", "Оплата сверхурочных задерживается."]
    assert assess(overtime, ["working_time", "wage_amount"], 15) == (False, None)


def test_wages_paid_now_are_no_mass_arrears() -> None:
    # arrears paid off, a threat of arrears, extras unpaid while the wage comes on time: no mass alarm from a
    # count of 20 or more
    paid_off = ["Всему отделу (22 человека) задержали зарплату.", "Сейчас деньги выплатили полностью."]
    threat = ["Директор пригрозил задержать зарплату 50 работникам.", "Пока зарплата приходит вовремя."]
    extras = ["Нас в отделе 30 человек.", "Переработки не оплачивают.", "Зарплата в остальном вовремя."]
    for sentences in (paid_off, threat, extras):
        assert assess(sentences, ["wage_arrears"], 22) == (False, None)
    # paid once, not now: still mass arrears
    unpaid = ["Раньше зарплату платили вовремя.", "Теперь 40 человек не получают ни копейки три месяца."]
    assert assess(unpaid, ["wage_arrears"], 40) == (True, MASS)


def test_another_unit_paid_is_no_word_that_the_writers_are_paid() -> None:
    depot = [
        "Всем 38 водителям троллейбусов депо № 2 задерживают заработную плату за сентябрь и октябрь.",
        "Депо № 1 получает зарплату вовремя.",
    ]
    assert assess(depot, ["wage_arrears"], 38) == (True, MASS)


@pytest.mark.parametrize(
    ("letter", "count"),
    [
        # the workers counted by the names of the sheet (tuning batch 788): no «человек» in the letter
        (
            "АО «Комбинат строительных материалов», Тамбов. В ведомости за октябрь 26 фамилий, деньги не пришли ни "
            "одному. В бухгалтерии говорят — счета арестованы, ждите.",
            26,
        ),
        # a chat message with no wage word the classifier hears, «денег нет» for months (tuning batch 1118)
        (
            "горничная в отеле волна сочи через аутсорс ооо сервис плюс. по бумагам гпх а по факту смены и штрафы. "
            "уже 3 мес денег нет, нас таких 25 человек",
            25,
        ),
    ],
)
def test_a_counted_crowd_unpaid_in_other_words_is_mass_arrears(
    analyzer: Analyzer, letter: str, count: int
) -> None:
    result = analyzer.analyze(letter)
    assert result.facts.workers_affected == count
    assert (result.urgent, result.urgent_reason) == (True, MASS)


def test_the_writers_word_that_there_is_no_danger_cancels_a_danger_not_an_accident() -> None:
    # a danger heard by a rule in one sentence, denied by the writer in another (tuning batch 844)
    vent = "В покрасочной камере не работает вентиляция, красим в медицинских масках."
    for denial in (
        "Жизни это не угрожает прямо сейчас, но прошу проверить.",
        "Опасности для жизни нет, но так работать унизительно.",
        "Работа не опасная, но по нормам положено больше.",
        "Ничего опасного у нас нет, просто хочу, чтобы всё было по закону.",
    ):
        assert assess([vent, denial], ["occupational_safety"], None) == (False, None), denial
    # asked, doubted or put in the employer's mouth, it is no denial
    for doubt in (
        "Разве это не опасно?",
        "Не опасно ли так работать.",
        "Мастер говорит, что опасности нет.",
        "Ремня безопасности нет.",
    ):
        assert assess([vent, doubt], ["occupational_safety"], None) == (True, DANGER), doubt
    # an accident, a death or mass arrears stand whatever the writer says of danger
    fall = ["Вчера слесарь упал с лестницы и сломал ногу.", "Опасности сейчас нет, лестницу заменили."]
    assert assess(fall, ["workplace_accident"], None)[0]
    # the heads' danger is cancelled too, their accident is not
    head = {"urgent_proba": 0.9, "urgent_threshold": 0.5}
    calm = ["В цеху холодно, обогреватель сломан.", "Опасности нет, но руки мёрзнут."]
    assert assess(calm, ["occupational_safety"], None, {"occupational_safety": 0.9}, **head) == (False, None)
    assert assess(calm, ["occupational_safety"], None, {"workplace_accident": 0.95}, **head) == (True, ACC)


def test_a_danger_removed_long_ago_is_no_danger_now(analyzer: Analyzer) -> None:
    # told in passing in a letter about something else (tuning batch 1110): the heads hear the danger words
    for past in (
        "Здравствуйте. Уволилась из ООО «Вектор-Снаб» (Тула) три недели назад, расчёт 48 300 рублей так и не "
        "выплатили. Про сам склад ничего плохого не скажу: был у нас стеллаж, который покосился и чуть не рухнул, "
        "но его демонтировали ещё в 2021 году. Прошу помочь получить деньги.",
        "Добрый день. Не выдают трудовую книжку после увольнения из АО «Липецкий механический завод». В цеху "
        "раньше стоял пресс без защитного ограждения, но его давно списали. Нужна только книжка.",
    ):
        assert analyzer.analyze(past).urgent is False, past
    # another one left in place, or a danger of today, stays urgent
    for now, reason in (
        (
            "В цеху АО «Липецкий механический завод» пресс без защитного ограждения, работаем на нём каждую "
            "смену. Старый такой же списали ещё в 2020 году, а этот оставили.",
            DANGER,
        ),
        (
            "Работаю на складе ООО «Вектор-Снаб» в Туле. Стеллаж покосился и вот-вот рухнет, под ним ходят люди, "
            "мастер обещает его когда-нибудь демонтировать.",
            DANGER,
        ),
    ):
        result = analyzer.analyze(now)
        assert (result.urgent, result.urgent_reason) == (True, reason), now


@pytest.mark.parametrize(
    "sentences",
    [
        # an injury the letter sets apart from work, on holiday or in sport, a heart attack at home between shifts
        # (tuning batch 1146)
        [
            "Порвал связку на матче в воскресенье.",
            "Начальник говорит: травма не на работе, больничный не положен.",
        ],
        ["Я в ежегодном отпуске поехал на рыбалку, провалился под лёд и отморозил пальцы."],
        ["Брат работал вахтовиком.", "Между вахтами, дома, у него случился инфаркт, он умер."],
    ],
)
def test_an_injury_or_death_set_apart_from_work_is_no_alarm(sentences: list[str]) -> None:
    assert assess(sentences, ["leave"], None) == (False, None)


@pytest.mark.parametrize(
    ("sentences", "reason"),
    [
        (["Жена ждала его дома, а он умер на смене от удара током."], "гибель работника на производстве"),
        (["Вернулся из отпуска, и в первый же день на смене упал с лесов, перелом ноги."], ACC),
        (["Говорят, травма не производственная, а он упал с лестницы в цеху."], ACC),
        (["Упал с лесов, а мастер уговорил написать, что травма не на работе."], ACC),
    ],
)
def test_work_named_with_the_injury_keeps_the_alarm(sentences: list[str], reason: str) -> None:
    assert assess(sentences, ["workplace_accident"], None) == (True, reason)
