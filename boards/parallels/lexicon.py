"""What the suggestions know of German beyond the stemmer: stop words, abbreviations, gender
forms, and groups of related words from the vocabulary of municipal and company workshops.

Written by hand for Stellwand (no network, nothing downloaded at run time), before the labelled
workshops in tests/parallels/ were written, and not tuned to them. OpenThesaurus's data would
be the open source for more (LGPL); its dump is not packaged here (see the README).
"""

from __future__ import annotations

# Function words and workshop filler that say nothing about a card's topic.
_STOP = """
aber alle allem allen aller alles als also am an andere anderen anders auch auf aus bei beim
bereits bessere besser bis bitte da dabei damit dann das dass dem den denn der des dessen
die dies diese diesem diesen dieser dieses doch dort durch eher ein eine einem einen einer
eines einfach etwa etwas euch für gar gegen genau gibt gut gute guten haben hat hier ihr
ihre im immer in ins ist ja je jede jeden jeder jedes jetzt kann kein keine man manche mehr
mit muss müssen nach neue neuen nicht noch nur ob oder ohne per pro schon sehr sein seine
sich sie sind so soll sollen sollte statt über um und uns unser unsere unter viel viele vom
von vor wann war was weil welche wenig weniger wenn wer werden wie wieder wir wird wo wollen
würde zu zum zur zwischen mal ganz eigentlich vielleicht endlich wirklich möglich möglichst
stärker mehrere sowie bzw usw z.b etc
"""
STOP_WORDS = frozenset(_STOP.split())

# Abbreviations and what they stand for (their words count as the card's words too).
ABBREVIATIONS = {
    "öpnv": "öffentlicher nahverkehr bus bahn",
    "spnv": "nahverkehr bahn",
    "kita": "kindertagesstätte kinder betreuung",
    "kitas": "kindertagesstätte kinder betreuung",
    "ogs": "ganztag schule betreuung",
    "wlan": "internet netz",
    "5g": "internet netz mobilfunk",
    "e-bike": "fahrrad rad",
    "e-bikes": "fahrrad rad",
    "pedelec": "fahrrad rad",
    "p+r": "park ride parken",
    "b2b": "unternehmen kunden",
    "ki": "künstliche intelligenz digital",
    "it": "digital technik",
    "hr": "personal",
    "ehrenamtler": "ehrenamt",
    "azubis": "auszubildende ausbildung",
    "azubi": "auszubildende ausbildung",
    "pv": "photovoltaik solar energie",
    "ev": "verein",
    "vhs": "volkshochschule bildung",
}

# Related words: each group names one topic. Words are stemmed when the groups are built, so
# inflected forms match ("Busse", "Bus"). A word may be in more than one group.
RELATED = [
    "nahverkehr bus busse bahn straßenbahn takt haltestelle fahrplan linie ticket öffentlich"
    " anbindung",
    "fahrrad rad radweg radverkehr lastenrad leihrad",
    "auto autos pkw parken parkplatz parkhaus stellplatz verkehr stau",
    "fuß fußgänger gehweg zu_fuß",
    "innenstadt zentrum stadtmitte altstadt stadtkern ortskern ortsmitte fußgängerzone city",
    "erreichbar erreichbarkeit anbindung zugang anbinden angebunden nahverkehr",
    "lebendig belebt lebhaft leben leerstand treffpunkt aufenthalt",
    "geschäft geschäfte laden läden handel einzelhandel händler einkaufen shop",
    "online internet digital digitalisierung plattform app portal website",
    "lieferung liefern lieferdienst zustellung kurier versand",
    "daten information informationen auskunft transparenz echtzeit",
    "fachkräfte personal mitarbeitende mitarbeiter beschäftigte bewerber nachwuchs anfangen",
    "ausbildung azubis auszubildende lehre praktikum",
    "weiterbildung schulung fortbildung qualifizierung lernen",
    "hitze heiß sommer schatten kühlung abkühlen",
    "grün bäume baum begrünung park pflanzen grünfläche",
    "wasser regen regenwasser versickerung starkregen überschwemmung trinkwasser",
    "versiegelung versiegeln entsiegeln entsiegelung versickern versickerung fläche flächen",
    "energie strom solar photovoltaik wärme heizung",
    "klima klimaschutz klimaanpassung co2 emission",
    "jugend jugendliche junge kinder schüler teenager",
    "alt ältere senioren",
    "ehrenamt ehrenamtlich freiwillig verein vereine engagement helfer",
    "kosten geld förderung fördermittel finanzierung budget zuschuss",
    "verwaltung stadt kommune gemeinde rathaus behörde amt",
    "wirtschaft unternehmen betriebe firmen gewerbe händler",
    "zusammenarbeit gemeinsam kooperation netzwerk zusammen austausch vernetzen partner",
    "beteiligung mitreden mitbestimmen bürger einwohner befragung",
    "wohnen wohnung wohnraum miete bauen bau neubau",
    "schule unterricht lehrkräfte lehrer klasse ganztag",
    "eltern familie familien",
    "kultur veranstaltung veranstaltungen fest konzert theater museum",
    "gastronomie restaurant café kneipe essen",
    "tourismus touristen gäste besucher übernachtung",
    "kunden kundschaft kundinnen service beratung",
    "sicherheit sicher beleuchtung licht",
    "barrierefrei barrierefreiheit rollstuhl inklusion",
    "nahversorgung supermarkt lebensmittel dorfladen einkaufen",
    "arzt ärzte gesundheit pflege praxis",
    "werbung marketing sichtbarkeit bekannt",
    "prozesse abläufe bürokratie formulare antrag",
    "kommunikation informieren newsletter",
]

# Words that stand against each other: a pair whose texts hold one side each is proposed as a
# conflict of goals. Stems are compared, so "Parkplätze" matches "parkplatz".
OPPOSED = [
    (
        {"autofrei", "verkehrsberuhigt", "fußgängerzone", "sperren", "sperrung", "weniger autos"},
        {"parken", "parkplatz", "parkplätze", "parkhaus", "stellplatz", "auto", "autos"},
    ),
    (
        {"verdichten", "bebauen", "neubau", "bauen", "baugebiet"},
        {"grünfläche", "freifläche", "entsiegeln", "stadtpark", "bäume"},
    ),
    ({"kostenlos", "gratis", "günstig", "billig"}, {"gebühr", "gebühren", "teurer", "preis"}),
    ({"ruhe", "leise", "lärmschutz"}, {"fest", "feste", "konzert", "party", "nachtleben"}),
    ({"sparen", "kürzen", "einsparen"}, {"ausbauen", "investieren"}),
]
