"""The scored criteria of both variants: ``(key, label, guidance)`` per language.

The contest scores five criteria 0–10 (domain 3.3 (i)); the municipal variant scores the five
criteria of the documented Ak-Tal call 0–5 with equal weights (domain 3.3 (ii)).
"""

from __future__ import annotations

CONTEST = (
    ("significance", {
        "ky": "Маанилүүлүгү",
        "ru": "Значимость",
        "en": "Significance",
    }, {
        "ky": "Чечилген көйгөй тургундар үчүн канчалык маанилүү; ал жергиликтүү маанидеги "
              "маселеби; канча адамдын жашоосу жакшырды.",
        "ru": "Насколько решённая проблема важна для жителей; относится ли она к вопросам "
              "местного значения; скольким людям стало лучше.",
        "en": "How important the solved problem is for residents; is it an issue of local "
              "significance; how many people are better off.",
    }),
    ("participation", {
        "ky": "Жарандардын катышуусу",
        "ru": "Участие граждан",
        "en": "Citizen participation",
    }, {
        "ky": "Канча тургун, анын ичинде аялдар жана жаштар катышты; алар чечим кабыл "
              "алууга, акчага, эмгекке кантип салым кошту.",
        "ru": "Сколько жителей, в том числе женщин и молодёжи, участвовали; как они "
              "участвовали в решениях, деньгами, трудом.",
        "en": "How many residents, including women and young people, took part; how they "
              "contributed to decisions, with money, with labour.",
    }),
    ("partnership", {
        "ky": "ЖӨБ органдары менен өнөктөштүк",
        "ru": "Партнёрство с органами МСУ",
        "en": "Partnership with the LSG bodies",
    }, {
        "ky": "Айыл өкмөтү жана жергиликтүү кеңеш менен кызматташуу: биргелешкен чечимдер, "
              "бюджеттен салым, колдоо каттары.",
        "ru": "Сотрудничество с айыл окмоту и местным кенешем: совместные решения, вклад "
              "бюджета, письма поддержки.",
        "en": "Cooperation with the aiyl okmotu and the local council: joint decisions, a "
              "contribution from the budget, letters of support.",
    }),
    ("results", {
        "ky": "Натыйжалар",
        "ru": "Результаты",
        "en": "Results",
    }, {
        "ky": "Натыйжалар сан менен көрсөтүлгөнбү (сом, км, дарак, үй-бүлө) жана "
              "далилдер (сүрөт, кат, жарыялоо) менен ырасталганбы.",
        "ru": "Выражены ли результаты в числах (сомы, км, деревья, семьи) и подтверждены ли "
              "они (фото, письма, публикации).",
        "en": "Are the results measured (som, km, trees, families) and backed by evidence "
              "(photos, letters, publications).",
    }),
    ("sustainability", {
        "ky": "Туруктуулугу жана кайталануусу",
        "ru": "Устойчивость и тиражируемость",
        "en": "Sustainability and replicability",
    }, {
        "ky": "Натыйжа сакталабы, аны ким кармайт; тажрыйбаны башка айылдар кайталай алабы.",
        "ru": "Сохранится ли результат и кто его поддерживает; могут ли опыт повторить "
              "другие сёла.",
        "en": "Will the result last and who maintains it; can other villages repeat the "
              "experience.",
    }),
)

MUNICIPAL = (
    ("significance", {
        "ky": "Калктын жашоо деңгээли үчүн маанилүүлүгү",
        "ru": "Значимость для уровня жизни населения",
        "en": "Significance for living standards",
    }, {
        "ky": "Демилге айыл аймагынын тургундарынын жашоосун канчалык жакшыртат; канча "
              "адам пайда алат.",
        "ru": "Насколько инициатива улучшит жизнь жителей айылного аймака; сколько людей "
              "получат пользу.",
        "en": "How much the initiative improves the lives of the municipality's residents; "
              "how many people benefit.",
    }),
    ("participation", {
        "ky": "Жарандардын катышуусу",
        "ru": "Участие граждан",
        "en": "Citizen participation",
    }, {
        "ky": "Демилгени канча тургун колдойт жана ишке ашырууга катышат.",
        "ru": "Сколько жителей поддерживают инициативу и участвуют в её реализации.",
        "en": "How many residents support the initiative and take part in carrying it out.",
    }),
    ("sustainability", {
        "ky": "Туруктуулугу",
        "ru": "Устойчивость",
        "en": "Sustainability",
    }, {
        "ky": "Каржылоодон кийин натыйжаны ким жана эмненин эсебинен кармайт.",
        "ru": "Кто и за счёт чего будет поддерживать результат после финансирования.",
        "en": "Who will maintain the result after the financing, and with what.",
    }),
    ("expenses", {
        "ky": "Чыгашалардын негиздүүлүгү жана жол берилгендиги",
        "ru": "Обоснованность и допустимость расходов",
        "en": "Justified and admissible expenses",
    }, {
        "ky": "Бюджеттин беренелери иш-чараларга шайкеш келеби, баалар рыноктук баага "
              "туура келеби, жергиликтүү бюджеттен төлөөгө мыйзам жол береби.",
        "ru": "Соответствуют ли статьи бюджета мероприятиям, рыночны ли цены, допустима ли "
              "оплата из местного бюджета по закону.",
        "en": "Do the budget lines match the activities, are prices at market level, may "
              "the local budget lawfully pay for them.",
    }),
    ("contribution", {
        "ky": "Өздүк салым жана/же тартылган каражаттар",
        "ru": "Собственный вклад и/или привлечённые средства",
        "en": "Own contribution and/or attracted funds",
    }, {
        "ky": "Демилгечилердин акча, эмгек же буюм түрүндөгү салымы жана башка "
              "булактардан тартылган каражаттардын үлүшү.",
        "ru": "Доля вклада инициаторов деньгами, трудом или материалами и средств, "
              "привлечённых из других источников.",
        "en": "The share of the initiators' contribution in money, labour or materials and "
              "of funds attracted from other sources.",
    }),
)
