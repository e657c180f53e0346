"""Urgency rules for dangers told without the usual words (no harness, live wires in water, a drunk driver of
workers, worn brakes, a near miss next to the crew), mass arrears told in words, and the guards that keep staff
of an ICU, fire drills and accusations of drunkenness from being urgent."""

from __future__ import annotations

import pytest

from nlp.urgency import DANGER_REASON, assess, rule_reason

MASS = "массовая невыплата заработной платы"


DANGERS_IN_OTHER_WORDS = [
    # work at height with no harness
    "Страховку монтажникам не выдают, лезем на опору как есть.",
    "Красим фермы под самой крышей, а пристегнуться не к чему.",
    "Пояса не дают, а работаем на кровле четвёртого этажа.",
    "На высоте двенадцати метров стоим, пояса нам так и не выдали.",
    # live wires in water
    "Кабель от сварочника брошен прямо через лужу.",
    "Работаем по колено в воде, а рядом насос на голом проводе.",
    # a drunk or worn-out transport of workers
    "Мастер с перегаром садится за руль и везёт нас на объект.",
    "Водитель нашей вахтовки пьяный через раз.",
    "У вахтовки стёрты колодки, на спусках её несёт.",
    "Ручник у автобуса не работает с весны.",
    # a near miss next to the crew
    "Пачка профлиста пролетела в паре метров от бригады.",
    # a tingling shock, pressure equipment, floors and roofs giving way, a driver nodding off
    "Кофемашину в цеху включаем в перчатках, её корпус щиплет током.",
    "Станок бьётся током, если коснуться станины.",
    "Манометр на котле уходит за красное, а топим дальше.",
    "Предохранительный клапан на ресивере заварен наглухо.",
    "Баллон с пропаном травит у вентиля уже неделю.",
    "В зернохранилище пол прогнил, грузчики ходят по доскам.",
    "Перекрытие над участком просело после снегопада.",
    "Наш водитель клюёт носом за рулём после суточной смены.",
]


NOT_DANGERS = [
    "Работаю медсестрой в реанимации, ночные не доплачивают.",
    "Я санитар ожогового отделения, отпуск перенесли без согласия.",
    "Пожарный инструктаж у нас провели задним числом.",
    "Учебная пожарная тревога была после смены, часы не оплатили.",
    "Меня уволили, якобы я был нетрезв за рулём.",
    "Каски не выдают на стройке.",  # labelled not urgent in train.jsonl: a missing helmet alone
    "Грузчикам поясов для спины не дают, таскаем мешки по 50 кг.",  # lifting belts, not height
    "Ждём премию за квартал.",
    "Ток в розетке есть, но розеток мало.",
    "Давление у меня скачет от нервов.",
    "Пол в раздевалке холодный, просим коврики.",
    # an injury off work, named as such («бытовой», «на рыбалке»)
    "Весь ноябрь был на больничном с переломом руки (бытовой, на рыбалке), пособие посчитали из оклада.",
    "После бытовой травмы отпуск не продлили.",
    # a near death from an illness, not at work
    "Я чуть не умерла этой зимой — двусторонняя пневмония, а пособие так и не пришло.",
    "Соседи сверху, стены ходуном ходят от музыки.",
    "Тормоза у начальства не работают, орёт на всех.",
    "За рулём по 8 часов, всё нормально, но отпуск не дают.",
    "Кран течёт на кухне в офисе, завхоз не чинит.",
    "У меня крыша едет от этой работы, премию опять срезали.",
]


@pytest.mark.parametrize(
    ("sentences", "workers"),
    [
        (["Всему нашему ДК не выплатили зарплату с лета."], None),
        (["Сторожам и уборщицам всего посёлка не платят полгода."], None),
        (["Зарплату не платят с марта, а нас там больше сорока."], None),
        (["Сорок с лишним грузчиков не получили зарплату за два месяца."], None),
        (["Задержали зарплату, а это более тридцати семей."], None),
        (["Швеи ждут денег за работу третий месяц, нас около ста."], None),
        (["Зарплату за ноябрь никому не перечислили."], None),
        (["Денег за осень так никто и не получил, задерживают всё."], None),
        (["Всё управление сидит без зарплаты второй месяц."], None),
        (["Коллектив котельной работает бесплатно с лета, зарплату не платят."], None),
    ],
)
def test_mass_arrears_in_words(sentences: list[str], workers: int | None) -> None:
    assert assess(sentences, ["wage_arrears"], workers) == (True, MASS)


@pytest.mark.parametrize(
    "sentences",
    [
        ["Зарплату задерживают мне и ещё двум коллегам."],
        ["Работникам не платят надбавку за вредность."],  # an allowance, not arrears of the staff
        ["Денег на ремонт посёлка у администрации нет."],
    ],
)
def test_not_mass_arrears(sentences: list[str]) -> None:
    assert assess(sentences, ["wage_arrears"], None) == (False, None)


def test_out_of_scope_mass_arrears_told_as_money_for_work() -> None:
    # the classifier may read «деньги за работу» as a private debt; the whole staff unpaid stays urgent
    text = ["Пятьдесят с лишним рабочих ждут денег за работу с лета."]
    assert assess(text, ["out_of_scope"], 50) == (True, MASS)
    # a private debt with no staff is not
    assert assess(["Сосед ждёт денег за работу по ремонту крыши."], ["out_of_scope"], None) == (False, None)


def test_mass_arrears_when_nothing_was_paid_for_downtime() -> None:
    # the category is wage_amount (downtime pay), but «ничего не начислили» to sixty people is mass arrears
    text = [
        "Цех стоит с начала месяца, за простой нам ничего не начислили, в расчётке ноль.",
        "Нас 60 человек.",
    ]
    assert assess(text, ["wage_amount"], 60) == (True, MASS)
    assert assess(
        ["За простой начислили две трети, как положено.", "Нас 60 человек."], ["wage_amount"], 60
    ) == (
        False,
        None,
    )


# ---- issue 3: probes in other voices (2026-12-01) -------------------------------------------------------

ACCIDENT = "несчастный случай на производстве"


ISSUE3_URGENT = [
    # unconscious for days, on a ventilator
    ("После той ночной смены Оля так и не пришла в себя, мать говорит лежит под аппаратом.", ACCIDENT),
    ("Третий день в себя не приходит, врачи ничего не обещают.", ACCIDENT),
    ("Брата после завала держат на ИВЛ.", ACCIDENT),
    # a lift or a cradle falling, a rope snapping
    ("Грузовой лифт уже дважды проваливался на этаж вниз, а нас в нём катают с товаром.", DANGER_REASON),
    ("У люльки трос оборвался на одной стороне, мы висели на второй.", DANGER_REASON),
    # home-made harnesses at height
    ("На трубу посылают с верёвкой вместо страховки.", DANGER_REASON),
    (
        "Пояса у нас у всех самодельные, сертифицированных не выдавали, лазаем на сорок метров.",
        DANGER_REASON,
    ),
    # taken to a trauma ward
    ("Сменщика отвезли в травматологию с разбитой кистью.", ACCIDENT),
    ("Получил травму на смене.", ACCIDENT),
    ("Травматическая ампутация пальца у станочницы.", ACCIDENT),
]


ISSUE3_NOT_URGENT = [
    "Я медсестра травматологии, нам срезали стимулирующие выплаты на 40 %.",
    "Работаю санитаркой в травматологическом отделении, отпуск не дают.",
    "Уволили за прогул, хотя я был в больнице с переломом ноги, который получил на катке.",
    "Больничный по перелому (упал на гололёде по дороге в магазин) не оплатили.",
    "Работаю пожарным в МЧС, не оплачивают сверхурочные за дежурства на пожарах.",
    "Мне не оплачивают работу под напряжением по повышенной ставке.",
    "До сих пор не пришла в себя после такого увольнения.",
    "Лифт в бизнес-центре застревает, опаздываю на работу.",
]


def test_issue3_work_sites_count_for_out_of_scope() -> None:
    # a compressor room is a workplace: a danger there stays urgent when the classifier says out_of_scope
    text = ["В компрессорной у нас ресивер весь в ржавчине и шипит по шву, а мы сидим за стенкой."]
    assert assess(text, ["out_of_scope"], None) == (True, DANGER_REASON)


@pytest.mark.parametrize(
    "sentences",
    [
        ["Коллектив районного музея третий месяц работает бесплатно — деньги на счёт не приходят никому."],
        ["Всему коллективу зарплата на карту не поступила с сентября."],
    ],
)
def test_issue3_mass_arrears_money_not_coming(sentences: list[str]) -> None:
    assert assess(sentences, ["out_of_scope"], None) == (True, MASS)
    assert assess(sentences, ["wage_amount"], None) == (True, MASS)


def test_issue3_choking_after_spraying_on_a_farm() -> None:
    text = ["Жена пришла с фермы вся опухшая, там опрыскивали чем-то, а их не вывели.", "Сейчас задыхается."]
    assert assess(text, ["out_of_scope"], None) == (True, DANGER_REASON)
    assert rule_reason(["Задыхаемся от объёма работы, а доплат нет."]) is None


@pytest.mark.parametrize(
    ("sentences", "categories"),
    [
        (["Зарплату с апреля не выдают ни одному из водителей автоколонны."], ["wage_arrears"]),
        (["Зарплату не платят, а нас там под шестьдесят душ."], ["wage_arrears"]),
        (["Учителя всей школы полгода без денег, директор разводит руками."], ["wage_arrears"]),
        (["Учителя всей школы полгода без денег, директор разводит руками."], ["out_of_scope"]),
        (["Медики всей больницы третий месяц без получки."], ["wage_arrears"]),
    ],
)
def test_issue3_mass_arrears_whole_staff_in_other_words(sentences: list[str], categories: list[str]) -> None:
    assert assess(sentences, categories, None) == (True, MASS)


@pytest.mark.parametrize(
    "sentences",
    [
        ["Пенсионеры всего посёлка остались без денег: почту закрыли."],
        ["Остались без денег после отпуска, зарплату дали вовремя."],
    ],
)
def test_issue3_without_money_is_not_mass_arrears(sentences: list[str]) -> None:
    assert assess(sentences, ["out_of_scope"], None) == (False, None)


# ---- issue 3: misses of blind batch 4 (causes, in other words) ------------------------------------------

DEATH = "гибель работника на производстве"


BATCH4_URGENT = [
    # a death told as «never came home»
    ("Со смены он домой так и не вернулся.", DEATH),
    ("Домой отец больше не пришёл, а фирма молчит.", DEATH),
    ("С вахты брат так и не вернулся, нам ничего не объясняют.", DEATH),
    # a live line not switched off
    ("Бригаду отправили на необесточенную линию.", DANGER_REASON),
    ("Подстанцию не обесточили, а электриков послали менять изоляторы.", DANGER_REASON),
]


BATCH4_NOT_URGENT = [
    "Муж не пришёл домой ночевать, опять пил с бригадой.",
    "Больше не пришёл на работу после аванса, его уволили.",
    "Счётчик обесточили за долги по квартплате.",
]


def test_batch4_nobody_paid_is_mass_arrears_unless_the_group_is_small() -> None:
    text = ["Зарплату не платят ни рабочим, ни мастерам, ни бухгалтерии — никому."]
    assert assess(text, ["wage_arrears"], None) == (True, MASS)
    # three people: «никому» is the three of them
    small = ["Работаем втроём, зарплату за май не платят никому."]
    assert assess(small, ["wage_arrears"], 3) == (False, None)
    assert assess(["Всем сотрудникам не платят зарплату, нас пятеро."], ["wage_arrears"], 5) == (False, None)


def test_sent_up_a_chimney_is_work() -> None:
    # «посылают на трубу / гоняют на крышу» names the work even when the classifier says out_of_scope
    text = ["Нас на сорокаметровую трубу посылают с верёвкой вместо страховки."]
    assert assess(text, ["out_of_scope"], None) == (True, DANGER_REASON)
    # a consumer's «заставляют» is not work
    assert assess(["Нас заставляют жить с запахом газа в подъезде."], ["out_of_scope"], None) == (False, None)


PROBES4_URGENT = [
    # rock falls in a mine, rotten support
    ("За смену в лаве было два вывала породы, крепь старая.", DANGER_REASON),
    ("Крепь в штреке не менялась лет пять, трещит.", DANGER_REASON),
    # a crane swaying in the wind
    ("Кран на ветру так качает, что крановщица боится подниматься.", DANGER_REASON),
    # a missing worker
    ("Со вчерашнего дня не можем найти тракториста, в поле он не вернулся.", DANGER_REASON),
    ("Пропал наш сторож с лесобазы, телефон молчит.", DANGER_REASON),
    # bald tyres
    ("Выпускают на линию с лысыми покрышками.", DANGER_REASON),
]


PROBES4_NOT_URGENT = [
    "За сына, погибшего на СВО, положена выплата, а отпуск на оформление не дают.",
    "Муж погиб в зоне СВО, работодатель не выплатил матпомощь.",
    "Директор пропал, на звонки не отвечает.",
    "Кран на кухне столовой течёт, а заявку не принимают.",
    "Породу на фабрике сортируем вручную.",
]


def test_work_vehicles_are_work() -> None:
    text = ["Водитель мусоровоза выпал из кабины на ходу, он сейчас в тяжёлом состоянии."]
    assert assess(text, ["out_of_scope"], None) == (True, ACCIDENT)
    # a shopper run over in a hypermarket is not (no work vehicle of the list)
    shopper = ["В гипермаркете меня задел погрузчик, сломал ногу, магазин не платит за лечение."]
    assert assess(shopper, ["out_of_scope"], None) == (False, None)


# ---- blind batch 5: pay in crumbs or in kind «instead of the wage» for the whole staff is arrears ----------


@pytest.mark.parametrize(
    "sentences",
    [
        ["Всему заводу который месяц платят по паре тысяч вместо зарплаты."],
        ["Всей фабрике вместо получки выдают продукцию, живых денег нет."],
        ["Всем рабочим вместо зарплаты дают талоны в столовую."],
    ],
)
def test_batch5_pay_instead_of_wages_for_the_whole_staff_is_mass_arrears(sentences: list[str]) -> None:
    # the classifier reads a wage paid in part as wage_amount, not as arrears
    assert assess(sentences, ["wage_amount"], None) == (True, MASS)


@pytest.mark.parametrize(
    ("sentences", "workers"),
    [
        (["Всему цеху урезали премию, платят голый оклад."], None),
        (["Мне платят пособие вместо зарплаты, пока я на больничном."], None),
        (["Нам троим платят по тысяче вместо зарплаты."], 3),
    ],
)
def test_batch5_not_mass_arrears(sentences: list[str], workers: int | None) -> None:
    assert assess(sentences, ["wage_amount"], workers) == (False, None)


# the tables above, one sentence each, through the rules alone
@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        *((sentence, DANGER_REASON) for sentence in DANGERS_IN_OTHER_WORDS),
        *ISSUE3_URGENT,
        *BATCH4_URGENT,
        *PROBES4_URGENT,
        # hiding a workplace accident as one off work is still an accident
        ("Упал со стремянки на складе, а мастер велел оформить как бытовую травму.", ACCIDENT),
        ("Чуть не умер на стройке: сорвался с лесов, страховки не было.", ACCIDENT),
        # dangers in the other word order and worn-out equipment described by what is wrong with it
        ("Работаем на краю кровли, страховочных поясов нет, ограждения по периметру нет.", DANGER_REASON),
        ("У погрузчика № 7 не работают тормоза, водитель тормозит об стеллаж.", DANGER_REASON),
        ("График такой, что за рулём по 16 часов, иногда больше.", DANGER_REASON),
        ("Манометр не работает с сентября, предохранительный клапан прикипел.", DANGER_REASON),
        ("Вчера с ветром вся секция лесов ходуном ходила.", DANGER_REASON),
        ("Трос местами распушён, кабина при остановке проваливается на полметра.", DANGER_REASON),
        ("Ограничитель грузоподъёмности отключён по указанию прораба.", DANGER_REASON),
        ("Ограничитель грузоподъёмности неисправен с понедельника.", DANGER_REASON),
        ("Крыша склада после снегопада прогнулась, по балкам пошли трещины.", DANGER_REASON),
        ("Траншея глубиной метра 4, стенки уже сползают, крепей нет.", DANGER_REASON),
        ("Датчики метана мастер велел обмотать пакетами, чтобы не отключали комбайн.", DANGER_REASON),
        ("У моего лесовоза руль заклинивает на спусках.", DANGER_REASON),
        ("Колонка подтекает бензином уже месяц, рядом курят водители.", DANGER_REASON),
    ],
)
def test_a_rule_fires(sentence: str, reason: str) -> None:
    assert rule_reason([sentence]) == reason


@pytest.mark.parametrize(
    "sentence", [*NOT_DANGERS, *ISSUE3_NOT_URGENT, *BATCH4_NOT_URGENT, *PROBES4_NOT_URGENT]
)
def test_no_rule_fires(sentence: str) -> None:
    assert rule_reason([sentence]) is None


@pytest.mark.parametrize(
    ("denied", "said"),
    [
        # a danger denied, and a worker caught without the helmet he has, against the same words said
        (
            "Опасности для жизни сейчас нет, но хочется, чтобы было по закону.",
            "Это опасно для жизни, а начальник молчит.",
        ),
        (
            "Мастер увидел меня без каски на 5 минут и снял 5000 рублей штрафа.",
            "Работаем на кровле без каски и страховки.",
        ),
    ],
)
def test_a_denied_danger_is_no_alarm(denied: str, said: str) -> None:
    assert rule_reason([denied]) is None
    assert rule_reason([said]) == DANGER_REASON


def test_me_paid_is_no_arrears() -> None:
    # «мне платят» holds «не плат» inside a word: a rule's «не» starts a word, so the grey half of a pay paid
    # to the whole staff is no unpaid wage
    text = [
        "Официально мне платят 19 242, остальные 25 тысяч директор отдаёт наличными в конверте.",
        "И мне же приходится проводить такие схемы для всего коллектива.",
    ]
    assert assess(text, ["informal_employment"], None) == (False, None)
    unpaid = ["Зарплату не платят третий месяц всему коллективу."]
    assert assess(unpaid, ["informal_employment"], None) == (True, MASS)


def test_a_rotation_staffs_unpaid_travel_days_are_no_mass_arrears() -> None:
    # days on the road and the rest between rotations are extras, like overtime (tuning batch 758)
    text = [
        "Мы вахтовики на месторождении под Сургутом, держат уже 75-й день, не отпускают.",
        "Дни в пути и межвахтовый отдых не оплачивают.",
        "Нас на участке 23 человека.",
    ]
    assert assess(text, ["working_time"], 23) == (False, None)
    unpaid = ["Зарплату за два месяца не оплачивают.", "Нас на участке 23 человека."]
    assert assess(unpaid, ["working_time"], 23) == (True, MASS)
