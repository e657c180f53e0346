"""Questions from the employer's side, a landlord's about a tenant's wages, and reports by people with no
stake in the business: out_of_scope whatever labour words they use.

An owner, a director, a personnel officer or the firm's lawyer asking how to dismiss, fine or pay their own
worker («я ИП, у меня кафе … как мне её правильно уволить?») describes a labour relation in the classifier's
words but complains about no employer: the labels (and the inspectorate's complaint procedure) count it
out_of_scope. The classifier learns most of them; this rule takes the clear ones it misses. It fires only when
the writer speaks as the employer AND asks what to do, and not as anyone's worker; a complaint urgent for an
accident or a danger stays labour in the pipeline whatever this says (one urgent only for mass arrears does
not: the headcount is then the employer's staff).
"""

from __future__ import annotations

import re

# the writer is the employer: «я ИП», «я директор», «у меня небольшая пекарня» (not «наши работники»: a
# foreman or a union representative writes so about the workers' own employer)
_EMPLOYER_VOICE = re.compile(
    r"\bя\s+(?:—\s+)?(?:ип\b|индивидуальн\w+ предпринимател\w+|работодател\w+|директор\w*|владел\w+|"
    r"учредител\w+|хозя\w+|"
    r"(?:главн\w+ )?бухгалтер\w* (?:ооо|ао|ип|пао|зао|организации|компании|предприятия))|"
    # «я как работодатель», «пишу как бухгалтер ООО …», «я закрываю ИП»
    r"\b(?:я|пишу) как (?:работодател\w+|руководител\w+|директор\w*|бухгалтер\w*|владел\w+)|"
    r"\bя (?:закрываю|открыл\w*|зарегистрировал\w*) ип\b|"
    r"\bу меня (?:\w+ ){0,2}(?:кафе|магазин\w*|пекарн\w+|салон\w*|ип\b|ооо\b|фирм\w+|бизнес\w*|"
    r"производств\w+|хозяйств\w+|автосервис\w*|парикмахерск\w+|кофейн\w+|столов\w+)|"
    # personnel officers and lawyers writing for the firm: «Мартынова Е.О., начальник ОК», «пишу от имени АО»
    r"\b(?:(?:начальник|руководител)\w* (?:ок|отдела кадров|кадровой службы|(?:отдела|службы) персонала)|"
    r"специалист\w* по кадрам|инспектор\w* по кадрам|кадровик\w*|"
    r"менеджер\w* по персоналу|hr[- ]?менеджер\w*|юрисконсульт\w*)\b|"
    r"\bпишу от имени (?:ао|ооо|ип|пао|зао|организации|компании|предприятия|фирмы)\b|"
    # «Пишу от бухгалтерии ООО …», «по поручению начальника цеха составляю график»
    r"\bпишу от (?:имени )?(?:бухгалтери\w+|отдела кадров|администраци\w+|руководств\w+|дирекци\w+)|"
    r"\bпо поручению (?:\w+ ){0,2}(?:начальник\w*|руководств\w*|руководител\w*|директор\w*|работодател\w*)|"
    # what the firm means to do to its worker («хотим сократить её должность»), a director's signature
    r"\b(?:хотим|хочу|планируем|собираемся) (?:\w+ ){0,2}(?:уволить|сократить|наказать|удержать|лишить)\b|"
    r",\s*(?:генеральный )?директор\s*\.?\s*$|"
    # the firm's accountant signs the question («… боюсь ошибиться. Бухгалтер ИП Федорова Т.Н., г. Брянск.»)
    r"(?:^|[.!?]\s+)(?:главный )?бухгалтер (?:ооо|ао|ип|пао|зао)\b(?:[^.!?\n]|\b\w\.){0,60}[.!]?\s*$",
    re.IGNORECASE,
)
# … and asks what they may or must do («как мне правильно уволить», «могу ли я удержать», «обязан ли я»);
# not a bare «подскажите» or «законно ли», which workers write as often
_ASKS = re.compile(
    r"\bкак (?:мне |нам )?(?:\w+ ){0,2}(?:уволить|оформить|удержать|посчитать|рассчитать|наказать|"
    r"оплатить|оплачивать|поступить|действовать|защититься|ввести|установить|составить)|"
    r"\b(?:могу|можем|вправе|обязан\w*|должен|должны|нужно|надо) ли (?:я|мы)\b|"
    r"\bимеем? ли (?:я|мы) право|"
    r"\b(?:что|чем) (?:нам|мне) (?:\w+ )?грозит|\bне будет ли (?:нам|мне) (?:\w+ )?(?:штраф|ответственност)|"
    r"\b(?:продлевать|продлить|переносить|перенести|оформлять|увольнять|начислять|оплачивать|платить) или|"
    r"\b(?:можно|нужно|обязательно) ли (?:\w+ ){0,3}(?:уволить|удержать|наказать|лишить|объявить|"
    r"не оплачивать|не платить|взыскать|согласие|объяснительн\w*|брать)",
    re.IGNORECASE,
)

# the firm writes of itself in the third person at the top of its letter («ООО «Альфа» просит разъяснить…»,
# «Администрация МБОУ «Лицей №7» сообщает…», «Бухгалтерия АО … обращается повторно»)
_FIRM_VOICE = re.compile(
    r"^\W*(?:(?:здравствуйте|добрый день|уважаемая инспекция)\W+)?"
    r"(?:(?:руководство|администрация|дирекция|бухгалтерия|(?:отдел|служба|управление)\w*(?: \w+){0,2})\s+)?"
    r"(?:ооо|ао|пао|зао|оао|ип|гбуз|гбоу|гбу|мбоу|мбу|мбдоу|мадоу|муп|гуп|фгуп|ано|нко)\b[^.\n]{0,90}?"
    r"\b(?:просит|сообщает|обращается|направляет|не согласн\w*)\b",
    re.IGNORECASE,
)
# … and asks for an explanation or a consultation, or disputes the inspectorate's order
_FIRM_ASKS = re.compile(
    r"\bпрос(?:им|ит) (?:\w+ )?(?:разъясн|уточн|дать (?:консультаци|разъяснени)|проконсульт|включить)|"
    r"\bза консультаци|\bс предписани",
    re.IGNORECASE,
)

# what the employer did to the writer: «меня уволили», «мне не платят», «нам не оформили»
_WRONGED_WRITER = (
    r"\bменя (?:уволи|не оформ|заставля|штрафу|вынужда|принял)|"
    r"\b(?:мне|нам) не (?:плат|выплат|да[ею]т|оформ|доплат)"
)
# … unless they also speak as someone's worker («я ИП, работаю курьером по договору, могу ли я требовать …»)
_WORKER_VOICE = re.compile(rf"\bработа(?:ю|ла|л)\b|{_WRONGED_WRITER}", re.IGNORECASE)


# a landlord whose tenant's wages are late and who wants the employer made to pay («сдаю квартиру парню, он
# работает на складе, зарплату задерживают, за аренду платить нечем»): the grievance is the rent
_LANDLORD_VOICE = re.compile(
    r"\bсда(?:ю|ём|ем|ла|л|вала|вал)\b (?:\w+ ){0,3}(?:квартир|комнат|дом\b|дома\b|жиль|угол|койко)|"
    r"\b(?:мой|моя|наш|наша) (?:жил(?:ец|ица)|квартирант\w*|арендатор\w*|постоял\w*)|\bквартирант\w*",
    re.IGNORECASE,
)


# someone with no stake in the business reports its violations: a customer, a neighbour, a competitor, a
# journalist, a tipster who says they do not work there («Сам я там не работаю, просто хожу мимо»,
# «Пишу как посетитель», «никого из персонала не знаю»)
_OUTSIDER_VOICE = re.compile(
    r"\b(?:я|сам|сама|сами|мы)\b(?:,?\s+[\w-]+){0,4}?,?\s+"
    r"(?:не работа(?:ю|ла|л|ем|ли)|никогда не работал\w*)\b|"
    r"\bне (?:являюсь|являемся) (?:\w+ )?(?:работник|сотрудник)\w*|"
    r"\b(?:я|мы) не (?:работник|сотрудник|работница)\w*|"
    r"\b(?:никакого )?отношения (?:\w+ ){0,3}не имею|\bне имею (?:\w+ ){0,3}отношения|"
    r"\bни я,? ни\b[^.!?\n]{0,60}\bне работа|"
    r"\bникого (?:из (?:персонала|работников|сотрудников|них) )?(?:там )?не знаю|"
    r"\b(?:пишу|обращаюсь|пишем) как (?:посетитель|покупатель|клиент|житель|жительница|сосед|соседка|"
    r"гражданин|журналист|блогер|налогоплательщик|прохож|конкурент)\w*|"
    # «Я просто клиент», «Мы просто туристы», «Я родитель, а не работник сада», «Я отдыхающая»
    r"\b(?:я|мы)\s+(?:просто\s+|всего лишь\s+|только\s+|обычн\w+\s+|же\s+)?(?:клиент|клиентка|клиенты|"
    r"покупател\w+|посетител\w+|турист\w*|отдыхающ\w+|пассажир\w*|прохож(?:ий|ая|ие))\b|"
    r"\bа не (?:работни\w+|сотрудни\w+)\b",
    re.IGNORECASE,
)
# … unless that is what the employer claims or the records show («говорят, что я там не работала», «официально
# я там не работаю», «я вообще не работала у них получается»)
_CLAIMED_BEFORE = re.compile(
    r"(?:говор|сказа|утвержда|заявля|будто|якобы|считают|отвеча|пишут|мол\b|официально|по документам|типа|"
    r"как бы|выходит|получается)[^.!?\n]{0,25}$",
    re.IGNORECASE,
)
# … or the writer, a relative or a workmate works there, or the writer writes for them
_STAKE_VOICE = re.compile(
    r"\b(?:мо[йяиеё]|наш\w*)\s+(?:\w+\s+)?(?:сын\w*|доч\w*|муж\w*|жен[аыуе]|брат\w*|сестр\w*|мам\w*|мать|"
    r"матер\w*|отц\w*|отец|пап\w*|коллег\w*|товарищ\w*|напарни\w*|внук\w*|племянни\w*|супруг\w*)\b|"
    r"\bя\s+(?:[\w-]+\s+){0,2}?(?<!не )(?:работаю|работала|работал|тружусь|устроил\w*)\b|"
    r"\bработаем\b|\bнас (?:\w+ ){0,4}(?:перевели|уволили|оформили|заставля\w*|не оформ\w*)|"
    rf"{_WRONGED_WRITER}|"
    r"\bу нас (?:на|в) (?:работе|цеху|цехе|участке|складе|смене|бригаде)|"
    r"\b(?:за|от имени|вместо) (?:него|неё|нее|них)\b|\b(?:он|она|они) (?:\w+ )?(?:писать )?бо(?:и|я)тся|"
    r"\bпо (?:его|её|ее|их) просьбе",
    re.IGNORECASE,
)


# … in the disclaimer itself or right after it: «официально я там не работаю», «я вообще не работала у них
# получается 2 года???»
_CLAIMED_INSIDE = re.compile(r"будто|якобы|официально|по документам", re.IGNORECASE)
_CLAIMED_AFTER = re.compile(r"[^.!?\n]{0,30}\b(?:получается|выходит|по документам)", re.IGNORECASE)
# «я в ту смену вообще не работала»: a worker's day off, not an outsider; «я там уже не работаю», «больше я
# нигде не работаю»: a former worker, or one with no other job
_STILL_A_WORKER_WORDS = re.compile(
    r"смен|день|дня|дни|недел|выходн|месяц|числ|врем|год|раз\b|нигде|больше|уже|теперь|сейчас|пока\b",
    re.IGNORECASE,
)


def outsider_report(text: str) -> bool:
    """The writer reports a business's violations and says they have no stake in it: no worker of it, nor a
    relative's or workmate's voice."""
    for match in _OUTSIDER_VOICE.finditer(text):
        if (
            _CLAIMED_BEFORE.search(text, max(0, match.start() - 40), match.start())
            or _CLAIMED_AFTER.match(text, match.end())
            or _CLAIMED_INSIDE.search(match.group())
            or _STILL_A_WORKER_WORDS.search(match.group())
        ):
            continue
        return _STAKE_VOICE.search(text) is None
    return False


def landlord_of_worker(text: str) -> bool:
    """The writer lets housing to a worker and complains of the rent the worker's late wages leave unpaid."""
    return _LANDLORD_VOICE.search(text) is not None and _WORKER_VOICE.search(text) is None


def employer_question(text: str) -> bool:
    """The writer speaks as the employer and asks what to do about their own worker or business."""
    if _WORKER_VOICE.search(text) is not None:
        return False
    if _EMPLOYER_VOICE.search(text) is not None and _ASKS.search(text) is not None:
        return True
    firm = _FIRM_VOICE.search(text[:300])
    return firm is not None and (_ASKS.search(text) is not None or _FIRM_ASKS.search(text) is not None)


def not_a_workers_grievance(text: str) -> bool:
    """The employer's question, the landlord's letter or an outsider's report: out_of_scope whatever labour
    words it uses."""
    return employer_question(text) or landlord_of_worker(text) or outsider_report(text)
