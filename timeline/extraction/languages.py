"""Spanish, French and German: word tables, recognition patterns and tense markers.

Everything language-specific lives here, one `Language` table per base language. The
patterns are only compiled (lazily, once) when `extract` is called with that language, so
English pays nothing. A match is turned into a mention of one of the English pattern kinds
with its fields translated to English ("febrero" -> "February", "pasado" -> "last"), so the
English resolvers date it unchanged.

Like the English patterns, every pattern is a flat sequence of bounded pieces (alternations
of literal words, digit runs, at most three spaces), so matching stays linear-time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .vocabulary import MONTH_NAMES, WEEKDAY_NAMES

_ = r"[^\S\r\n]{1,3}"
_0 = r"[^\S\r\n]{0,3}"
_APOS = "['\u2019]"
DAY = r"(?<![\d.,/])(?:3[01]|[12]\d|0?[1-9])(?!\d)"
YEAR = r"(?<![\d.,/])(?:1[5-9]\d\d|20\d\d)(?![\w%]|[.,]\d)"


def _alt(words) -> str:
    return "|".join(sorted((re.escape(w).replace(r"\ ", _) for w in words), key=len, reverse=True))


def _ci(words) -> str:
    return "(?i:" + _alt(words) + ")"


@dataclass(frozen=True)
class Language:
    """The tables of one language; every map translates a word to its English field value."""

    code: str
    months: dict[str, int]
    weekdays: dict[str, int]
    numbers: dict[str, int]
    units: dict[str, str]  # -> English plural unit ("days")
    modifiers: dict[str, str]  # -> English modifier ("last", "next", "this")
    deictics: dict[str, str]  # -> "today", "yesterday", "tomorrow"
    two_day_offsets: dict[str, str]  # "anteayer" -> "ago", "pasado mañana" -> "hence"
    parts: dict[str, str]  # -> "morning", "afternoon", "evening", "night"
    this_parts: dict[str, tuple[str, str]]  # "esta mañana" -> ("this", "morning")
    year_context: tuple[str, ...]
    month_context: tuple[str, ...]
    count_nouns: frozenset[str]
    # Tense markers (see tense.py): whole words, word endings, auxiliaries + participles.
    past_words: frozenset[str]
    future_words: frozenset[str]
    past_suffixes: tuple[str, ...]
    future_suffixes: tuple[str, ...]
    not_past: frozenset[str]
    not_future: frozenset[str]
    perfect_auxiliaries: frozenset[str]
    participle_suffixes: tuple[str, ...]
    # A future auxiliary that needs a particular next word ("va a", "va signer").
    going_to: frozenset[str]
    going_to_next: tuple[str, ...]  # a next word (es "a") or infinitive endings (fr)
    clause_breaks: frozenset[str]
    since_words: frozenset[str]
    seasons: dict[str, str]  # -> "spring", "summer", "autumn", "winter"
    ordinals: dict[str, str]  # a quarter's ordinal -> "first" ... "fourth"
    short_months: dict[str, int]  # "abr", "févr", "Okt": read only beside a day number
    patterns: tuple[tuple[str, str], ...] = ()


def _spanish() -> Language:
    months = {
        "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
        "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11,
        "diciembre": 12,
    }  # fmt: skip
    # Abbreviations are read only beside a day number: "mar" alone is the sea.
    short_months = {
        "ene": 1, "feb": 2, "mar": 3, "abr": 4, "may": 5, "jun": 6, "jul": 7, "ago": 8,
        "sep": 9, "sept": 9, "set": 9, "oct": 10, "nov": 11, "dic": 12,
    }  # fmt: skip
    weekdays = {
        "lunes": 0, "martes": 1, "miércoles": 2, "miercoles": 2, "jueves": 3, "viernes": 4,
        "sábado": 5, "sabado": 5, "domingo": 6,
    }  # fmt: skip
    numbers = {
        "un": 1, "uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6,
        "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12, "quince": 15,
        "veinte": 20, "treinta": 30,
    }  # fmt: skip
    units = {
        "día": "days", "días": "days", "dia": "days", "dias": "days", "semana": "weeks",
        "semanas": "weeks", "mes": "months", "meses": "months", "año": "years",
        "años": "years", "hora": "hours", "horas": "hours", "minuto": "minutes",
        "minutos": "minutes",
    }  # fmt: skip
    modifiers = {
        "pasado": "last", "pasada": "last", "próximo": "next", "próxima": "next",
        "proximo": "next", "proxima": "next", "que viene": "next", "este": "this",
        "esta": "this",
    }  # fmt: skip
    mon = _ci(months)
    short = rf"{_ci(short_months)}\.?"
    wd = _ci(weekdays)
    num = rf"(?:\d{{1,3}}|{_ci(numbers)})"
    unit = _ci(units)
    season = _ci(["primavera", "verano", "otoño", "invierno"])
    ordinal = _ci(["primer", "primero", "segundo", "tercer", "tercero", "cuarto"])
    patterns = (
        (
            "day-month",
            rf"\b(?:(?P<wd>{wd}),?{_})?(?P<d>{DAY}|(?i:primero)|1[º°])(?:{_}(?i:de))?{_}"
            rf"(?P<mon>{mon}\b|{short}(?!\w))(?:{_}(?:(?i:de|del){_})?(?P<y>{YEAR}))?",
        ),
        # "12-13 de abril", "del 12 al 15 de abril", "entre el 12 y el 15 de abril"
        (
            "day-range",
            rf"\b(?:(?i:del){_}(?P<d1>{DAY}){_}(?i:al){_}|(?i:entre){_}(?i:el){_}(?P<e1>{DAY})"
            rf"{_}(?i:y){_}(?i:el){_}|(?P<h1>{DAY}){_0}[-\u2013]{_0})(?P<d2>{DAY})"
            rf"(?:{_}(?i:de))?{_}(?P<mon>{mon}\b|{short}(?!\w))(?:{_}(?i:de|del){_}(?P<y>{YEAR}))?",
        ),
        # "en la primavera de 2022", "este verano", "el invierno pasado"
        (
            "season",
            rf"\b(?:(?i:en|durante|desde|hasta|para){_})?(?P<body>(?:(?P<mod>(?i:este|esta)){_}"
            rf"|(?i:el|la){_})(?P<season>{season})\b"
            rf"(?:{_}(?P<mod2>(?i:pasado|pasada|próximo|próxima|proximo|proxima|que{_}viene))\b"
            rf"|{_}(?i:de|del){_}(?P<y>{YEAR}))?)",
        ),
        # "el primer trimestre de 2022", "el segundo trimestre"
        (
            "quarter",
            rf"\b(?:(?i:el){_})?(?P<ord>{ordinal}){_}(?i:trimestre)\b"
            rf"(?:{_}(?i:de|del){_}(?:(?i:año){_})?(?P<y>{YEAR}))?",
        ),
        ("month-year", rf"\b(?P<mon>{mon}){_}(?i:de|del){_}(?P<y>{YEAR})"),
        (
            "month",
            rf"\b(?:(?i:el){_}(?P<mod>(?i:pasado|próximo|proximo)){_}(?:(?i:mes){_}(?i:de){_})?"
            rf"(?P<mon>{mon})\b"
            rf"|(?i:en|desde|hasta|para|durante|de|a{_}finales{_}de|a{_}principios{_}de"
            rf"|a{_}mediados{_}de|finales{_}de|principios{_}de|mediados{_}de){_}"
            rf"(?P<body>(?P<mon2>{mon})\b(?:{_}(?P<mod2>(?i:pasado|próximo|proximo))\b)?))",
        ),
        (
            "weekday",
            rf"\b(?:(?P<mod>(?i:pasado|próximo|proximo|este)){_})?(?P<wd>{wd})\b"
            rf"(?:{_}(?P<mod2>(?i:pasado|próximo|proximo|que{_}viene))\b)?"
            rf"(?:{_}(?i:por){_}(?i:la){_}(?P<part>(?i:mañana|tarde|noche))\b)?",
        ),
        (
            "deictic",
            rf"\b(?P<word>(?i:hoy|ayer|mañana))\b"
            rf"(?:{_}(?i:por){_}(?i:la){_}(?P<part>(?i:mañana|tarde|noche))\b)?",
        ),
        ("offset", rf"\b(?P<word>(?i:anteayer|antier|pasado{_}mañana))\b"),
        ("part-of-day", rf"\b(?P<word>(?i:esta{_}mañana|esta{_}tarde|esta{_}noche|anoche))\b"),
        (
            "relative",
            rf"\b(?:(?i:la|el|este|esta)){_}(?P<unit>(?i:semana|mes|año))\b"
            rf"{_}(?P<rel>(?i:pasado|pasada|próximo|próxima|proximo|proxima|que{_}viene))\b",
        ),
        (
            "relative",
            rf"\b(?:(?i:la|el){_})?(?P<rel>(?i:próximo|próxima|proximo|proxima|pasado|pasada"
            rf"|este|esta)){_}(?P<unit>(?i:semana|mes|año))\b",
        ),
        ("offset", rf"\b(?i:hace){_}(?P<num>{num}){_}(?P<unit>{unit})\b(?P<dir>)"),
        ("offset", rf"\b(?i:dentro){_}(?i:de){_}(?P<num>{num}){_}(?P<unit>{unit})\b(?P<dir>)"),
        ("duration", rf"\b(?P<num>{num}){_}(?P<unit>{unit})\b"),
        (
            "year",
            rf"\b(?:(?i:en|desde|hasta|de|del|entre|y|año|para|antes{_}de|después{_}de"
            rf"|a{_}finales{_}de|a{_}principios{_}de)){_}(?P<body>(?P<y>{YEAR}))",
        ),
    )
    return Language(
        code="es",
        months=months,
        weekdays=weekdays,
        numbers=numbers,
        units=units,
        modifiers=modifiers,
        deictics={"hoy": "today", "ayer": "yesterday", "mañana": "tomorrow"},
        two_day_offsets={"anteayer": "ago", "antier": "ago", "pasado mañana": "hence"},
        parts={"mañana": "morning", "tarde": "afternoon", "noche": "night"},
        this_parts={
            "esta mañana": ("this", "morning"),
            "esta tarde": ("this", "afternoon"),
            "esta noche": ("this", "night"),
            "anoche": ("last", "night"),
        },  # fmt: skip
        year_context=(),
        month_context=(),
        count_nouns=frozenset(
            """personas muertos heridos soldados euros dólares dolares millones metros
            kilómetros habitantes casos votos empleos trabajadores años días horas""".split()
        ),
        past_words=frozenset(
            """dijo dijeron fue fueron era eran estaba estaban hubo hizo hicieron tuvo tuvieron
            estuvo pudo puso vino dio quiso ayer anoche anteayer pasado pasada""".split()
        ),
        future_words=frozenset("próximo próxima proximo proxima prevé previsto prevista".split()),
        past_suffixes=("ó", "aron", "ieron", "yeron", "aba", "aban"),
        future_suffixes=("rá", "rán", "ré", "remos"),
        not_past=frozenset(),
        not_future=frozenset(),
        perfect_auxiliaries=frozenset("ha han había habían he hemos".split()),
        participle_suffixes=("ado", "ido", "ada", "ida", "cho", "sto", "rto", "ito"),
        going_to=frozenset("va van vamos".split()),
        going_to_next=("a",),
        clause_breaks=frozenset(
            "que donde mientras aunque porque pero cuando si tras después antes".split()
        ),
        since_words=frozenset({"desde"}),
        seasons={
            "primavera": "spring",
            "verano": "summer",
            "otoño": "autumn",
            "invierno": "winter",
        },
        ordinals={
            "primer": "first",
            "primero": "first",
            "segundo": "second",
            "tercer": "third",
            "tercero": "third",
            "cuarto": "fourth",
        },
        short_months=short_months,
        patterns=patterns,
    )


def _french() -> Language:
    months = {
        "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
        "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
        "décembre": 12, "decembre": 12,
    }  # fmt: skip
    short_months = {
        "janv": 1, "févr": 2, "fevr": 2, "fév": 2, "fev": 2, "avr": 4, "juil": 7, "sept": 9,
        "oct": 10, "nov": 11, "déc": 12, "dec": 12,
    }  # fmt: skip
    weekdays = {
        "lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5,
        "dimanche": 6,
    }  # fmt: skip
    numbers = {
        "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
        "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "quinze": 15, "vingt": 20,
        "trente": 30,
    }  # fmt: skip
    units = {
        "jour": "days", "jours": "days", "semaine": "weeks", "semaines": "weeks",
        "mois": "months", "an": "years", "ans": "years", "année": "years", "années": "years",
        "heure": "hours", "heures": "hours", "minute": "minutes", "minutes": "minutes",
    }  # fmt: skip
    modifiers = {
        "dernier": "last", "dernière": "last", "derniere": "last", "passé": "last",
        "passée": "last", "prochain": "next", "prochaine": "next", "ce": "this", "cet": "this",
        "cette": "this",
    }  # fmt: skip
    mon = _ci(months)
    short = rf"{_ci(short_months)}\."
    wd = _ci(weekdays)
    num = rf"(?:\d{{1,3}}|{_ci(numbers)})"
    unit = _ci(units)
    rel_after = "(?i:dernière|derniere|dernier|passée|passé|prochaine|prochain)"
    ordinal = _ci(["premier", "1er", "deuxième", "deuxieme", "second", "2e", "troisième",
                   "troisieme", "3e", "quatrième", "quatrieme", "4e"])  # fmt: skip
    patterns = (
        (
            "day-month",
            rf"\b(?:(?P<wd>{wd}){_})?(?P<d>{DAY}|1er)(?:{_})(?P<mon>{mon}\b|{short})"
            rf"(?:{_}(?P<y>{YEAR}))?",
        ),
        # "12-13 avril", "du 12 au 15 avril", "entre le 12 et le 15 avril"
        (
            "day-range",
            rf"\b(?:(?i:du){_}(?P<d1>{DAY}|1er){_}(?i:au){_}|(?i:entre){_}(?i:le){_}"
            rf"(?P<e1>{DAY}|1er){_}(?i:et){_}(?i:le){_}|(?P<h1>{DAY}|1er){_0}[-\u2013]{_0})"
            rf"(?P<d2>{DAY}){_}(?P<mon>{mon}\b|{short})(?:{_}(?P<y>{YEAR}))?",
        ),
        # "au printemps 2022", "cet été", "l'hiver dernier"; a bare "été" is "been".
        (
            "season",
            rf"(?<!\w)(?:(?P<mod>(?i:cet|ce)){_}|(?i:l{_APOS}|le{_}))"
            rf"(?P<season>(?i:printemps|été|automne|hiver))\b"
            rf"(?:{_}(?P<mod2>{rel_after})\b|{_}(?P<y>{YEAR}))?",
        ),
        (
            "season",
            rf"(?<!\w)(?i:au|en){_}(?P<body>(?P<season>(?i:printemps|été|automne|hiver))\b"
            rf"(?:{_}(?P<y>{YEAR}))?)",
        ),
        # "le premier trimestre 2022", "au deuxième trimestre"
        (
            "quarter",
            rf"(?<!\w)(?:(?i:au){_})?(?P<body>(?:(?i:le){_})?(?P<ord>{ordinal}){_}"
            rf"(?i:trimestre)\b(?:{_}(?:(?i:de){_}(?:(?i:l{_APOS}année){_0})?)?(?P<y>{YEAR}))?)",
        ),
        ("month-year", rf"\b(?P<mon>{mon}){_}(?P<y>{YEAR})"),
        (
            "month",
            rf"(?<!\w)(?i:en|depuis|jusqu{_APOS}en|d{_APOS}ici|fin|début|debut|mi-|courant|dès)"
            rf"{_0}(?P<body>(?P<mon>{mon})\b(?:{_}(?P<mod>(?i:dernier|prochain))\b)?)",
        ),
        (
            "weekday",
            rf"\b(?:(?P<mod>(?i:ce)){_})?(?P<wd>{wd})\b(?:{_}(?P<mod2>(?i:dernier|prochain))\b)?"
            rf"(?:{_}(?P<part>(?i:matin|après-midi|soir))\b)?",
        ),
        (
            "deictic",
            rf"(?<!\w)(?P<word>(?i:aujourd{_APOS}hui|hier|demain))\b"
            rf"(?:{_}(?P<part>(?i:matin|après-midi|soir))\b)?",
        ),
        ("offset", r"(?<!\w)(?P<word>(?i:avant-hier|après-demain))\b"),
        ("part-of-day", rf"\b(?P<word>(?i:ce{_}matin|cet{_}après-midi|ce{_}soir|cette{_}nuit))\b"),
        (
            "relative",
            rf"(?<!\w)(?i:la|le|l{_APOS}|cette|ce){_0}(?P<unit>(?i:semaine|mois|année|an))\b"
            rf"{_}(?P<rel>{rel_after})\b",
        ),
        (
            "relative",
            rf"\b(?P<rel>(?i:cette|ce)){_}(?P<unit>(?i:semaine|mois|année))\b(?:-ci)?",
        ),
        ("offset", rf"\b(?i:il){_}(?i:y){_}(?i:a){_}(?P<num>{num}){_}(?P<unit>{unit})\b(?P<dir>)"),
        ("offset", rf"\b(?i:dans){_}(?P<num>{num}){_}(?P<unit>{unit})\b(?P<dir>)"),
        ("duration", rf"\b(?P<num>{num}){_}(?P<unit>{unit})\b"),
        (
            "year",
            rf"(?<!\w)(?:(?i:en|depuis|année|jusqu{_APOS}en|d{_APOS}ici|avant|après|dès|de|entre"
            rf"|et|l{_APOS}an|fin|début)){_}(?P<body>(?P<y>{YEAR}))",
        ),
    )
    return Language(
        code="fr",
        months=months,
        weekdays=weekdays,
        numbers=numbers,
        units=units,
        modifiers=modifiers,
        deictics={
            "aujourd'hui": "today",
            "aujourd\u2019hui": "today",
            "hier": "yesterday",
            "demain": "tomorrow",
        },  # fmt: skip
        two_day_offsets={"avant-hier": "ago", "après-demain": "hence"},
        parts={"matin": "morning", "après-midi": "afternoon", "soir": "evening"},
        this_parts={
            "ce matin": ("this", "morning"),
            "cet après-midi": ("this", "afternoon"),
            "ce soir": ("this", "evening"),
            "cette nuit": ("this", "night"),
        },  # fmt: skip
        year_context=(),
        month_context=(),
        count_nouns=frozenset(
            """personnes morts blessés soldats euros dollars millions mètres kilomètres
            habitants cas voix emplois salariés ans jours heures""".split()
        ),
        past_words=frozenset(
            """était étaient fut hier dernier dernière passé passée avait avaient""".split()
        ),
        future_words=frozenset(
            """prochain prochaine prochains demain sera seront aura auront fera feront ira
            iront devrait devraient prévu prévue prévus prévues""".split()
        ),
        past_suffixes=("ait", "aient"),
        future_suffixes=("ra", "ront", "rons"),
        not_past=frozenset("portrait retrait attrait souhait extrait".split()),
        not_future=frozenset(
            "extra caméra camera opéra opera contra ultra cobra mantra sierra front affront".split()
        ),
        # Elided forms count too: "s'est rendu", "l'a rencontré", "n'a pas signé".
        perfect_auxiliaries=frozenset(
            """a ont avait avaient est sont ai avons s'est s'était s'étaient l'a l'ont l'avait
            n'a n'ont n'est n'avait""".split()
        ),
        participle_suffixes=(
            "é",
            "ée",
            "és",
            "ées",
            "i",
            "is",
            "u",
            "ue",
            "us",
            "it",
            "ert",
            "eint",
            "ait",
        ),  # fmt: skip
        going_to=frozenset("va vont".split()),
        going_to_next=("er", "ir", "re"),
        clause_breaks=frozenset(
            "que qui où mais quand lorsque parce si après avant alors tandis".split()
        ),
        since_words=frozenset({"depuis"}),
        seasons={"printemps": "spring", "été": "summer", "automne": "autumn", "hiver": "winter"},
        ordinals={
            "premier": "first",
            "1er": "first",
            "deuxième": "second",
            "deuxieme": "second",
            "second": "second",
            "2e": "second",
            "troisième": "third",
            "troisieme": "third",
            "3e": "third",
            "quatrième": "fourth",
            "quatrieme": "fourth",
            "4e": "fourth",
        },
        short_months=short_months,
        patterns=patterns,
    )


def _german() -> Language:
    months = {
        "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "maerz": 3, "april": 4, "mai": 5,
        "juni": 6, "juli": 7, "august": 8, "september": 9, "oktober": 10, "november": 11,
        "dezember": 12,
    }  # fmt: skip
    short_months = {
        "jan": 1, "feb": 2, "febr": 2, "mär": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
        "sep": 9, "sept": 9, "okt": 10, "nov": 11, "dez": 12,
    }  # fmt: skip
    weekdays = {
        "montag": 0, "dienstag": 1, "mittwoch": 2, "donnerstag": 3, "freitag": 4,
        "samstag": 5, "sonnabend": 5, "sonntag": 6,
    }  # fmt: skip
    numbers = {
        "ein": 1, "eine": 1, "einem": 1, "einer": 1, "einen": 1, "zwei": 2, "drei": 3,
        "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10,
        "elf": 11, "zwölf": 12, "fünfzehn": 15, "zwanzig": 20, "dreißig": 30,
    }  # fmt: skip
    units = {
        "tag": "days", "tage": "days", "tagen": "days", "woche": "weeks", "wochen": "weeks",
        "monat": "months", "monate": "months", "monaten": "months", "jahr": "years",
        "jahre": "years", "jahren": "years", "stunde": "hours", "stunden": "hours",
        "minute": "minutes", "minuten": "minutes",
    }  # fmt: skip
    modifiers = {}
    for stem, meaning in (
        ("letzt", "last"), ("vergangen", "last"), ("nächst", "next"), ("naechst", "next"),
        ("kommend", "next"), ("dies", "this"),
    ):  # fmt: skip
        for ending in ("e", "en", "er", "es", "em"):
            modifiers[stem + ending] = meaning
    # German capitalises month and weekday names and nouns: match them capitalised only, so
    # "morgen" (tomorrow) and "Morgen" (morning) stay apart.
    mon = "(?:" + _alt(m.capitalize() for m in months) + ")"
    short = "(?:" + _alt(m.capitalize() for m in short_months) + r")\."
    season = "(?:Frühling|Frühjahr|Sommer|Herbst|Winter)"
    ordinal = _ci(["ersten", "erste", "zweiten", "zweite", "dritten", "dritte", "vierten",
                   "vierte"])  # fmt: skip
    wd = "(?:" + _alt(w.capitalize() for w in weekdays) + ")"
    unit_words = "(?:" + _alt(u.capitalize() for u in units) + ")"
    num = rf"(?:\d{{1,3}}|{_ci(numbers)})"
    mod = _ci(modifiers)
    patterns = (
        (
            "day-month",
            rf"\b(?:(?P<wd>{wd}),?{_})?(?:(?i:den|dem){_})?(?P<d>{DAY})\.{_0}"
            rf"(?P<mon>{mon}\b|{short})(?:{_}(?P<y>{YEAR}))?",
        ),
        # "12.-13. April", "vom 12. bis 15. April", "zwischen dem 12. und 15. April"
        (
            "day-range",
            rf"\b(?:(?i:vom){_}(?P<d1>{DAY})\.{_}(?i:bis){_}(?:(?i:zum){_})?"
            rf"|(?i:zwischen){_}(?i:dem){_}(?P<e1>{DAY})\.{_}(?i:und){_}(?:(?i:dem){_})?"
            rf"|(?P<h1>{DAY})\.{_0}[-\u2013]{_0})(?P<d2>{DAY})\.{_0}(?P<mon>{mon}\b|{short})"
            rf"(?:{_}(?P<y>{YEAR}))?",
        ),
        # "im Sommer 2022", "diesen Herbst", "letzten Winter"
        (
            "season",
            rf"\b(?P<mod>{mod}){_}(?P<season>{season})\b(?:{_}(?P<y>{YEAR}))?",
        ),
        (
            "season",
            rf"\b(?i:im|seit{_}dem|bis{_}zum){_}(?P<body>(?P<season>{season})\b"
            rf"(?:{_}(?P<y>{YEAR}))?)",
        ),
        # "im ersten Quartal 2022", "das zweite Quartal"
        (
            "quarter",
            rf"\b(?:(?i:im|das|dem|des|ein){_})?(?P<body>(?P<ord>{ordinal}){_}"
            rf"(?i:Quartal(?:s|es)?)\b(?:{_}(?P<y>{YEAR}))?)",
        ),
        ("month-year", rf"\b(?P<mon>{mon}){_}(?P<y>{YEAR})"),
        (
            "month",
            rf"\b(?:(?i:im|seit|bis|ab|Anfang|Ende|Mitte)){_}"
            rf"(?P<body>(?:(?P<mod>{mod}){_})?(?P<mon>{mon})\b)",
        ),
        (
            "weekday",
            rf"\b(?:(?P<mod>{mod}){_})?(?P<wd>{wd})"
            rf"(?P<part>(?:morgen|vormittag|nachmittag|abend|nacht)\b)?\b",
        ),
        (
            "deictic",
            rf"\b(?P<word>heute|gestern|morgen|Heute|Gestern|Morgen)\b"
            rf"(?:{_}(?P<part>Morgen|Vormittag|Nachmittag|Abend|Nacht|früh)\b)?",
        ),
        ("offset", r"\b(?P<word>vorgestern|übermorgen|Vorgestern|Übermorgen)\b"),
        (
            "relative",
            rf"\b(?P<rel>{mod}){_}(?P<unit>Woche|Monat|Monats|Jahr|Jahres|Wochenende)\b",
        ),
        ("offset", rf"\b(?i:vor){_}(?P<num>{num}){_}(?P<unit>{unit_words})\b(?P<dir>)"),
        ("offset", rf"\b(?i:in){_}(?P<num>{num}){_}(?P<unit>{unit_words})\b(?P<dir>)"),
        ("duration", rf"\b(?P<num>{num}){_}(?P<unit>{unit_words})\b"),
        (
            "year",
            rf"\b(?:(?i:im){_}Jahre?|Jahr|seit|bis|von|ab|vor|nach|zwischen|und|in|Anfang|Ende"
            rf"|Mitte){_}(?P<body>(?P<y>{YEAR}))",
        ),
    )
    return Language(
        code="de",
        months=months,
        weekdays=weekdays,
        numbers=numbers,
        units=units,
        modifiers=modifiers,
        deictics={"heute": "today", "gestern": "yesterday", "morgen": "tomorrow"},
        two_day_offsets={"vorgestern": "ago", "übermorgen": "hence"},
        parts={
            "morgen": "morning",
            "früh": "morning",
            "vormittag": "morning",
            "nachmittag": "afternoon",
            "abend": "evening",
            "nacht": "night",
        },  # fmt: skip
        this_parts={},
        year_context=(),
        month_context=(),
        count_nouns=frozenset(
            """menschen personen euro dollar soldaten toten verletzte zuschauer zuschauern meter
            kilometer einwohner stimmen mitarbeiter fälle jahre tage stunden""".split()
        ),
        past_words=frozenset(
            """war waren wurde wurden hat haben hatte hatten gestern vorgestern sagte sagten
            erklärte erklärten teilte teilten traf trafen kam kamen ging gingen sprach sprachen
            gab gaben nahm nahmen hielt hielten flog flogen reiste reisten meldete meldeten
            betonte betonten forderte forderten letzte letzten letzter letztes vergangene
            vergangenen vergangener vergangenes""".split()
        ),
        future_words=frozenset(
            """wird werden würde würden soll sollen morgen übermorgen nächste nächsten nächster
            nächstes kommende kommenden kommender kommendes""".split()
        ),
        past_suffixes=("ierte", "ierten"),
        future_suffixes=(),
        not_past=frozenset(),
        not_future=frozenset(),
        perfect_auxiliaries=frozenset(),
        participle_suffixes=(),
        going_to=frozenset(),
        going_to_next=(),
        clause_breaks=frozenset("dass weil wenn als aber während nachdem bevor ob".split()),
        since_words=frozenset({"seit"}),
        seasons={
            "frühling": "spring",
            "frühjahr": "spring",
            "sommer": "summer",
            "herbst": "autumn",
            "winter": "winter",
        },
        ordinals={
            "erste": "first",
            "ersten": "first",
            "zweite": "second",
            "zweiten": "second",
            "dritte": "third",
            "dritten": "third",
            "vierte": "fourth",
            "vierten": "fourth",
        },
        short_months=short_months,
        patterns=patterns,
    )


_BUILDERS = {"es": _spanish, "fr": _french, "de": _german}
SUPPORTED = frozenset(_BUILDERS)


def base_language(lang: str | None) -> str:
    return (lang or "en").split("-")[0].split("_")[0].lower()


@cache
def language(base: str) -> Language | None:
    """The tables of a base language ("es", "fr", "de"); None for English and the rest."""
    builder = _BUILDERS.get(base)
    return builder() if builder else None


@cache
def compiled_patterns(base: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    table = language(base)
    if table is None:
        return ()
    return tuple((kind, re.compile(pattern)) for kind, pattern in table.patterns)


# Plausibility and translation of a match -----------------------------------------------

_PREVIOUS = re.compile(r"(\w+)[^\w\r\n]{0,3}$")
_NEXT = re.compile(r"[^\S\r\n]{1,3}(\w+)")
_SENTENCE_START = re.compile(r"(?:^|[.!?:\"\u201c\u00ab\n]\s{0,3})$")


def _previous_word(text: str, start: int) -> str:
    match = _PREVIOUS.search(text, max(0, start - 40), start)
    return match.group(1).lower() if match else ""


def _next_word(text: str, end: int) -> str:
    match = _NEXT.match(text, end)
    return match.group(1).lower() if match else ""


def _key(text: str) -> str:
    return " ".join(text.lower().replace("\u2019", "'").split())


def translate(
    table: Language, text: str, kind: str, start: int, end: int, fields: dict[str, str]
) -> tuple[str, dict[str, str]] | None:
    """The English kind and fields of a match, or None when it is a look-alike."""
    # Second spellings of a field (a modifier after the word) fold into the first.
    for name in ("mon", "mod"):
        if fields.get(name + "2"):
            fields[name] = fields.pop(name + "2")
    out: dict[str, str] = {}
    if "mon" in fields:
        name = _key(fields["mon"]).rstrip(".")
        out["mon"] = MONTH_NAMES[(table.months.get(name) or table.short_months[name]) - 1]
    if "wd" in fields:
        out["wd"] = WEEKDAY_NAMES[table.weekdays[_key(fields["wd"])]]
    if "d" in fields:
        digits = re.sub(r"\D", "", fields["d"])
        out["d"] = digits or "1"  # "primero"
    first = fields.get("d1") or fields.get("e1") or fields.get("h1")
    if first and "d2" in fields:
        out["d1"], out["d2"] = re.sub(r"\D", "", first) or "1", fields["d2"]
    if "y" in fields:
        out["y"] = fields["y"]
    if "mod" in fields:
        out["mod"] = table.modifiers.get(_key(fields["mod"]), "")
        if not out["mod"]:
            return None
    previous = _previous_word(text, start)
    following = _next_word(text, end)
    if kind == "weekday":
        if previous in ("los", "les", "todos", "tous", "chaque", "cada", "jeden"):
            out.pop("mod", None)
            return "set", {"wd": out["wd"]}
        if fields.get("part"):
            out["part"] = table.parts.get(_key(fields["part"]), "")
            if not out["part"]:
                out.pop("part")
    elif kind == "deictic":
        word = fields["word"]
        if table.code == "es" and _key(word) == "mañana" and previous in (
            "esta", "la", "cada", "una", "de", "por", "toda", "misma", "pasado", "media",
        ):  # fmt: skip
            return None  # the morning, not tomorrow
        # German: the noun "Morgen" (morning) unless it opens a sentence.
        if (
            table.code == "de"
            and word == "Morgen"
            and not _SENTENCE_START.search(text, max(0, start - 5), start)
        ):
            return None
        out["word"] = table.deictics[_key(word)]
        if fields.get("part"):
            out["part"] = table.parts[_key(fields["part"])]
    elif kind == "part-of-day":
        out["rel"], out["part"] = table.this_parts[_key(fields["word"])]
    elif kind == "offset":
        if fields.get("word"):
            out.update(num="2", unit="days", dir=table.two_day_offsets[_key(fields["word"])])
        else:
            out["unit"] = table.units[_key(fields["unit"])]
            out["num"] = _number(table, fields["num"])
            lead = _key(text[start : start + 6])
            out["dir"] = "ago" if lead.startswith(("hace", "il", "vor")) else "hence"
    elif kind == "duration":
        out["unit"] = table.units[_key(fields["unit"])]
        out["num"] = _number(table, fields["num"])
    elif kind == "relative":
        out["rel"] = table.modifiers.get(_key(fields["rel"]), "")
        unit = _key(fields["unit"])
        out["unit"] = {"mes": "month", "mois": "month", "monat": "month", "monats": "month"}.get(
            unit, "week" if unit in ("semana", "semaine", "woche") else unit
        )
        if out["unit"] in ("año", "année", "an", "jahr", "jahres"):
            out["unit"] = "year"
        if out["unit"] == "wochenende":
            out["unit"] = "weekend"
        if not out["rel"]:
            return None
    elif kind == "year":
        if following in table.count_nouns:
            return None
    elif kind == "season":
        out["season"] = table.seasons[_key(fields["season"])]
        if out.get("mod"):
            out["rel"] = out.pop("mod")
    elif kind == "quarter":
        out["ord"] = table.ordinals[_key(fields["ord"])]
    elif kind == "set":
        pass
    return kind, out


def _number(table: Language, text: str) -> str:
    key = _key(text)
    return str(table.numbers[key]) if key in table.numbers else key
