"""Questions from the employer's side, and a landlord's about a tenant's wages: out_of_scope whatever labour
words they use.

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
    r"\b(?:начальник\w* (?:ок|отдела кадров)|специалист\w* по кадрам|инспектор\w* по кадрам|кадровик\w*|"
    r"менеджер\w* по персоналу|hr[- ]?менеджер\w*|юрисконсульт\w*)\b|"
    r"\bпишу от имени (?:ао|ооо|ип|пао|зао|организации|компании|предприятия|фирмы)\b|"
    # what the firm means to do to its worker («хотим сократить её должность»), a director's signature
    r"\b(?:хотим|хочу|планируем|собираемся) (?:\w+ ){0,2}(?:уволить|сократить|наказать|удержать|лишить)\b|"
    r",\s*(?:генеральный )?директор\s*\.?\s*$",
    re.IGNORECASE,
)
# … and asks what they may or must do («как мне правильно уволить», «могу ли я удержать», «обязан ли я»);
# not a bare «подскажите» or «законно ли», which workers write as often
_ASKS = re.compile(
    r"\bкак (?:мне |нам )?(?:\w+ ){0,2}(?:уволить|оформить|удержать|посчитать|рассчитать|наказать|"
    r"оплатить|оплачивать|поступить|действовать|защититься)|"
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

# … unless they also speak as someone's worker («я ИП, работаю курьером по договору, могу ли я требовать …»)
_WORKER_VOICE = re.compile(
    r"\bработа(?:ю|ла|л)\b|\bменя (?:уволи|не оформ|заставля|штрафу|вынужда)|"
    r"\b(?:мне|нам) не (?:плат|выплат|да[ею]т|оформ)",
    re.IGNORECASE,
)


# a landlord whose tenant's wages are late and who wants the employer made to pay («сдаю квартиру парню, он
# работает на складе, зарплату задерживают, за аренду платить нечем»): the grievance is the rent
_LANDLORD_VOICE = re.compile(
    r"\bсда(?:ю|ём|ем|ла|л|вала|вал)\b (?:\w+ ){0,3}(?:квартир|комнат|дом\b|дома\b|жиль|угол|койко)|"
    r"\b(?:мой|моя|наш|наша) (?:жил(?:ец|ица)|квартирант\w*|арендатор\w*|постоял\w*)|\bквартирант\w*",
    re.IGNORECASE,
)


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
    """The employer's question or the landlord's letter: out_of_scope whatever labour words it uses."""
    return employer_question(text) or landlord_of_worker(text)
