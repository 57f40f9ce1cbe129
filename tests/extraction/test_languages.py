"""Spanish, French and German: sentence + publication date -> date and precision."""

import datetime

import pytest

from timeline.extraction import extract
from timeline.extraction.languages import compiled_patterns

WED = datetime.date(2022, 3, 9)  # a Wednesday

ROWS = [
    # Spanish ---------------------------------------------------------------------------
    ("es", "El ministro llegó a Antalya el miércoles.", WED, "2022-03-09", "day"),
    ("es", "Rusia invadió Ucrania el 24 de febrero.", WED, "2022-02-24", "day"),
    ("es", "El 24 de febrero de 2022 comenzó la invasión.", WED, "2022-02-24", "day"),
    ("es", "La guerra empezó en febrero de 2022.", WED, "2022-02", "month"),
    ("es", "La crisis financiera estalló en 2009.", WED, "2009", "year"),
    ("es", "Los cancilleres se reunirán el jueves en Turquía.", WED, "2022-03-10", "day"),
    ("es", "El presidente habló el lunes con su homólogo.", WED, "2022-03-07", "day"),
    ("es", "La delegación va a volver el viernes.", WED, "2022-03-11", "day"),
    ("es", "Se votará el próximo martes.", WED, "2022-03-15", "day"),
    ("es", "El lunes pasado hubo otro ataque.", WED, "2022-03-07", "day"),
    ("es", "El portavoz dijo ayer que no hay acuerdo.", WED, "2022-03-08", "day"),
    ("es", "Hoy se abre la conferencia.", WED, "2022-03-09", "day"),
    ("es", "El enviado viajará mañana a Kiev.", WED, "2022-03-10", "day"),
    ("es", "Esta mañana aterrizó el avión del ministro.", WED, "2022-03-09", "day"),
    ("es", "Los precios subieron la semana pasada.", WED, "2022-02-28", "week"),
    ("es", "El mes pasado cayeron las exportaciones.", WED, "2022-02", "month"),
    ("es", "El año pasado hubo elecciones anticipadas.", WED, "2021", "year"),
    ("es", "La próxima semana habrá una segunda ronda.", WED, "2022-03-14", "week"),
    ("es", "El periodista fue liberado hace dos días.", WED, "2022-03-07", "day"),
    ("es", "El tratado se firmó el 24/2/2022.", WED, "2022-02-24", "day"),
    ("es", "La tregua se pactó el 3/9/2021.", WED, "2021-09-03", "day"),
    # French ----------------------------------------------------------------------------
    ("fr", "Les ministres se rencontreront jeudi.", WED, "2022-03-10", "day"),
    ("fr", "Le convoi est arrivé le 24 février.", WED, "2022-02-24", "day"),
    ("fr", "Les troupes ont franchi la frontière le 24 février 2022.", WED, "2022-02-24", "day"),
    ("fr", "Les combats ont débuté en février 2022.", WED, "2022-02", "month"),
    ("fr", "La banque a fait faillite en 2009.", WED, "2009", "year"),
    ("fr", "Le chef de la diplomatie a rencontré son homologue lundi.", WED, "2022-03-07", "day"),
    ("fr", "Le sommet va commencer vendredi.", WED, "2022-03-11", "day"),
    ("fr", "Le vote aura lieu mardi prochain.", WED, "2022-03-15", "day"),
    ("fr", "Mercredi dernier, le Parlement a voté la loi.", WED, "2022-03-02", "day"),
    ("fr", "Le négociateur est reparti hier.", WED, "2022-03-08", "day"),
    ("fr", "Aujourd'hui, la conférence s'ouvre à Genève.", WED, "2022-03-09", "day"),
    ("fr", "La délégation partira demain.", WED, "2022-03-10", "day"),
    ("fr", "Les prix ont augmenté la semaine dernière.", WED, "2022-02-28", "week"),
    ("fr", "Le mois dernier, les ventes ont chuté.", WED, "2022-02", "month"),
    ("fr", "L'année dernière, le pays a changé de gouvernement.", WED, "2021", "year"),
    ("fr", "La semaine prochaine, une autre réunion est prévue.", WED, "2022-03-14", "week"),
    ("fr", "L'otage a été libéré il y a deux jours.", WED, "2022-03-07", "day"),
    ("fr", "L'accord a été signé le 24/2/2022.", WED, "2022-02-24", "day"),
    # German ----------------------------------------------------------------------------
    ("de", "Der Minister telefonierte am Sonntag mit Putin.", WED, "2022-03-06", "day"),
    ("de", "Am 24. Februar begann der Angriff.", WED, "2022-02-24", "day"),
    ("de", "Die Armee hat am 24. Februar 2022 die Grenze überschritten.", WED, "2022-02-24", "day"),
    ("de", "Der Krieg begann im Februar 2022.", WED, "2022-02", "month"),
    ("de", "Die Bankenkrise erreichte im Jahr 2009 ihren Höhepunkt.", WED, "2009", "year"),
    ("de", "Die Außenminister werden sich am Donnerstag treffen.", WED, "2022-03-10", "day"),
    ("de", "Am Mittwoch landete die Maschine in Antalya.", WED, "2022-03-09", "day"),
    ("de", "Die Gespräche sollen nächsten Dienstag weitergehen.", WED, "2022-03-15", "day"),
    ("de", "Er ist am Montag nach Ankara gereist.", WED, "2022-03-07", "day"),
    ("de", "Der Sprecher hat gestern bestätigt, dass es Gespräche gibt.", WED, "2022-03-08", "day"),
    ("de", "Heute Morgen traf der Gesandte ein.", WED, "2022-03-09", "day"),
    ("de", "Die Delegation reist morgen nach Kiew.", WED, "2022-03-10", "day"),
    ("de", "Die Preise stiegen letzte Woche deutlich.", WED, "2022-02-28", "week"),
    ("de", "Vergangene Woche gab es erste Gespräche.", WED, "2022-02-28", "week"),
    ("de", "Letzten Monat fielen die Exporte.", WED, "2022-02", "month"),
    ("de", "Letztes Jahr wurde ein neues Parlament gewählt.", WED, "2021", "year"),
    ("de", "Nächste Woche wird weiter verhandelt.", WED, "2022-03-14", "week"),
    ("de", "Die Geisel wurde vor zwei Tagen freigelassen.", WED, "2022-03-07", "day"),
    ("de", "Das Abkommen wurde am 24.2.2022 unterzeichnet.", WED, "2022-02-24", "day"),
]

# Look-alikes: no dated event.
NO_EVENT = [
    ("es", "La votación empieza a las 12 y el recuento dura 12 horas."),
    ("es", "El billete cuesta $27 y la inflación llegó al 10%."),
    ("es", "Los lunes el mercado abre tarde."),
    ("es", "Participaron 2000 personas en la marcha."),
    ("fr", "Le scrutin dure 12 heures et coûte 27 euros."),
    ("fr", "Le prix a augmenté de 10% sur Mars."),
    ("de", "Am Morgen war es ruhig in der Stadt."),
    ("de", "Die Verhandlungen dauerten 12 Stunden."),
    ("de", "Rund 2000 Menschen demonstrierten vor der Botschaft."),
]


@pytest.mark.parametrize(("lang", "sentence", "published", "iso", "precision"), ROWS)
def test_sentence_resolves(lang, sentence, published, iso, precision):
    events = extract(sentence, published=published, lang=lang).events
    assert [(e.iso_date, e.precision.value) for e in events] == [(iso, precision)], events


@pytest.mark.parametrize(("lang", "sentence"), NO_EVENT)
def test_look_alikes_give_no_event(lang, sentence):
    assert extract(sentence, published=WED, lang=lang).events == []


def test_regional_variant_uses_the_base_language():
    events = extract("Los ministros se reunirán el jueves.", WED, lang="es-MX").events
    assert [e.iso_date for e in events] == ["2022-03-10"]


def test_morning_is_not_tomorrow():
    result = extract("La cumbre terminó esta mañana.", WED, lang="es")
    assert [(t.text, t.value) for t in result.timexes] == [("esta mañana", "2022-03-09TMO")]


def test_english_text_is_unaffected_by_the_language_tables():
    text = "Lavrov arrived in Turkey on Wednesday."
    english = extract(text, WED, lang="en").events
    assert [e.iso_date for e in english] == ["2022-03-09"]
    assert compiled_patterns("en") == ()


# Abbreviated months, day ranges, seasons, quarters and the present of a schedule ------------
MORE_ROWS = [
    ("es", "La cumbre se celebró el 12 abr. 2021.", "12 abr. 2021", "2021-04-12", "day", None),
    ("es", "La cumbre será del 12 al 15 de abril.", "del 12 al 15 de abril", "2022-04-12", "day",
     "2022-04-15"),
    ("es", "La cumbre será el 12-13 de abril.", "12-13 de abril", "2022-04-12", "day",
     "2022-04-13"),
    ("es", "Votarán entre el 12 y el 15 de abril de 2022.",
     "entre el 12 y el 15 de abril de 2022", "2022-04-12", "day", "2022-04-15"),
    ("es", "Las ventas cayeron en el primer trimestre de 2021.", "el primer trimestre de 2021",
     "2021-01", "quarter", None),
    ("es", "El presidente viaja el jueves a Lima.", "jueves", "2022-03-10", "day", None),
    ("es", "El presidente viajó el jueves a Lima.", "jueves", "2022-03-03", "day", None),
    ("fr", "La réunion a eu lieu le 12 avr. 2021.", "12 avr. 2021", "2021-04-12", "day", None),
    ("fr", "Le sommet aura lieu du 12 au 15 avril.", "du 12 au 15 avril", "2022-04-12", "day",
     "2022-04-15"),
    ("fr", "Le sommet aura lieu les 12-13 avril.", "12-13 avril", "2022-04-12", "day",
     "2022-04-13"),
    ("fr", "Les ventes ont chuté au deuxième trimestre 2021.", "deuxième trimestre 2021",
     "2021-04", "quarter", None),
    ("fr", "Le président se rend jeudi à Berlin.", "jeudi", "2022-03-10", "day", None),
    ("fr", "Le président s'est rendu jeudi à Berlin.", "jeudi", "2022-03-03", "day", None),
    ("de", "Die Sitzung fand am 12. Okt. 2021 statt.", "12. Okt. 2021", "2021-10-12", "day",
     None),
    ("de", "Der Gipfel findet vom 12. bis 15. April statt.", "vom 12. bis 15. April",
     "2022-04-12", "day", "2022-04-15"),
    ("de", "Der Gipfel findet am 12.-13. April statt.", "12.-13. April", "2022-04-12", "day",
     "2022-04-13"),
    ("de", "Die Umsätze fielen im ersten Quartal 2021.", "ersten Quartal 2021", "2021-01",
     "quarter", None),
    ("de", "Der Präsident reist am Donnerstag nach Paris.", "Donnerstag", "2022-03-10", "day",
     None),
    ("de", "Der Präsident reiste am Donnerstag nach Paris.", "Donnerstag", "2022-03-03", "day",
     None),
]  # fmt: skip


@pytest.mark.parametrize(("lang", "sentence", "span", "iso", "precision", "end"), MORE_ROWS)
def test_abbreviations_ranges_quarters_and_scheduled_presents(
    lang, sentence, span, iso, precision, end
):
    result = extract(sentence, published=WED, lang=lang)
    assert [t.text for t in result.timexes] == [span]
    [event] = result.events
    ended = event.end_date.isoformat() if event.end_date else None
    assert (event.iso_date, event.precision.value, ended) == (iso, precision, end)


SEASONS = [
    ("es", "El acuerdo se firmó en la primavera de 2021.", "la primavera de 2021", "2021-SP"),
    ("es", "Este verano habrá elecciones.", "Este verano", "2022-SU"),
    ("es", "El invierno pasado fue duro.", "El invierno pasado", "2021-WI"),
    ("fr", "L'accord a été signé au printemps 2021.", "printemps 2021", "2021-SP"),
    ("fr", "Il a été élu cet été.", "cet été", "2022-SU"),
    ("fr", "L'hiver dernier a été froid.", "L'hiver dernier", "2021-WI"),
    ("de", "Im Sommer 2021 wurde gewählt.", "Sommer 2021", "2021-SU"),
    ("de", "Letzten Winter war es kalt.", "Letzten Winter", "2021-WI"),
]


@pytest.mark.parametrize(("lang", "sentence", "span", "value"), SEASONS)
def test_seasons_are_timexes_without_an_event(lang, sentence, span, value):
    result = extract(sentence, published=WED, lang=lang)
    assert [(t.text, t.value) for t in result.timexes] == [(span, value)]
    assert result.events == []


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("fr", "Il a été élu président."),
        ("es", "El barco navegó por el mar tres días."),
        ("de", "Theo Sommer schrieb einen Kommentar."),
    ],
)
def test_season_and_month_look_alikes_are_not_dates(lang, sentence):
    result = extract(sentence, published=WED, lang=lang)
    assert [t for t in result.timexes if t.type == "DATE"] == []
