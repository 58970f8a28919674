"""Names, places and companies for the demo's fictional customers, per country."""

from __future__ import annotations


def _words(text: str) -> list[str]:
    return text.split()


FIRST_NAMES: dict[str, list[str]] = {
    "NO": _words(
        "Ola Kari Nora Emma Jakob Lars Ingrid Sigrid Håkon Magnus Astrid Silje Marius Eirik "
        "Ragnhild Tone Bjørn Kristin Ingvild Torbjørn Solveig Aksel Henrik Maja Liv Andreas "
        "Thea Jonas Tuva Sindre Mari Øystein Åse Knut Gunnhild Frode Hilde Vegard Line Espen "
        "Trine Geir Randi Stian Marte Per Anette Kjetil Hanne Petter"
    ),
    # West-Norwegian names for the Nynorsk writers.
    "NO-nn": _words(
        "Ragnvald Sølvi Eldbjørg Gaute Torunn Sjur Synnøve Leiv Oddny Steinar Ingebjørg Jostein "
        "Gudrun Arnfinn Borghild Svein Marit Olav Brita Helge Kari Idar Signe Audun"
    ),
    "SE": _words(
        "Erik Anna Lars Karin Johan Maria Lena Anders Per Sofia Elin Oskar Linnea Gustav Ebba "
        "Axel Wilma Hugo Maja Björn Agneta Ulf Birgitta Fredrik Malin Mats Åsa Henrik Ida "
        "Jonas Emma Kjell Ingela Viktor Sara Göran Matilda Nils Frida"
    ),
    "DK": _words(
        "Mette Søren Jens Hanne Anne Peter Mads Frederik Ida Freja Kasper Rasmus Camilla Line "
        "Mikkel Lone Bent Birthe Niels Kirsten Jesper Signe Emil Astrid Troels Pernille Henrik "
        "Louise Morten Dorthe Christian Sofie Jakob Karen Anders Maja"
    ),
    "EN": _words(
        "James Sarah Michael Emily David Priya Ahmed Anna Tomasz Lukas Ana Daniel Olivia "
        "Rahul Sophie Mark Laura Chen Fatima John"
    ),
}

LAST_NAMES: dict[str, list[str]] = {
    "NO": _words(
        "Hansen Johansen Olsen Larsen Andersen Pedersen Nilsen Kristiansen Jensen Karlsen "
        "Haugen Berg Bakken Dahl Lie Solberg Moen Strand Eide Aas Hagen Nygård Brekke Lunde "
        "Sæther Fjeld Myhre Rønning Halvorsen Vik Ødegård Tveit Bøe Holm Amundsen Engen"
    ),
    "NO-nn": _words(
        "Tveit Hauge Brekke Myklebust Vik Nesheim Aarskog Bjørke Hovland Sandal Øvrebø Kvamme "
        "Skeie Fosse Lid Hjelle Rygg Bakke Sunde Hatlem"
    ),
    "SE": _words(
        "Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson "
        "Gustafsson Pettersson Lindberg Lindqvist Holm Sjöberg Bergström Lundgren Ek Wallin "
        "Åberg Engström Nyström Söderberg Forsberg Hedlund Lindholm Sandberg Öberg"
    ),
    "DK": _words(
        "Nielsen Jensen Hansen Pedersen Andersen Christensen Larsen Sørensen Rasmussen "
        "Jørgensen Petersen Madsen Kristensen Olsen Thomsen Poulsen Møller Mortensen Holm "
        "Lund Bach Kjær Østergaard Friis Juhl Dalgaard Vestergaard Bruun"
    ),
    "EN": _words(
        "Wilson Smith Brown Taylor Sharma Khan Nowak Müller García O'Connor Murphy Evans "
        "Kowalski Rossi Patel Walker Dubois Novak"
    ),
}

CITIES: dict[str, list[str]] = {
    "NO": _words(
        "Oslo Bergen Trondheim Stavanger Tromsø Bodø Kristiansand Drammen Ålesund "
        "Lillehammer Fredrikstad Hamar Molde Harstad Sandnes"
    ),
    "NO-nn": _words("Førde Voss Sogndal Volda Ørsta Stryn Odda Florø Stord Nordfjordeid"),
    "SE": _words(
        "Stockholm Göteborg Malmö Uppsala Lund Umeå Luleå Västerås Örebro Linköping "
        "Helsingborg Jönköping Sundsvall Karlstad Gävle"
    ),
    "DK": _words(
        "København Aarhus Odense Aalborg Esbjerg Vejle Roskilde Randers Horsens Kolding "
        "Herning Silkeborg Næstved Svendborg"
    ),
}

MAIL_DOMAINS = [
    "post.example",
    "online.example",
    "webmail.example",
    "inbox.example",
    "nett.example",
]

# Business customers: a word for the trade and the country's company suffix.
BUSINESS_TRADES: dict[str, list[str]] = {
    "NO": [
        "Bakeri",
        "Rørlegger",
        "Tannklinikk",
        "Transport",
        "Regnskap",
        "Havbruk",
        "Hotell",
        "Elektro",
        "Bygg",
        "Fiskemottak",
        "Kafé",
        "Eiendom",
    ],
    "SE": [
        "Bageri",
        "Rör",
        "Tandvård",
        "Åkeri",
        "Redovisning",
        "Hotell",
        "Bygg",
        "El",
        "Kafferosteri",
        "Fastigheter",
        "Snickeri",
    ],
    "DK": [
        "Bageri",
        "VVS",
        "Tandklinik",
        "Vognmand",
        "Revision",
        "Hotel",
        "Byg",
        "El-service",
        "Maskinfabrik",
        "Café",
        "Ejendomme",
    ],
}
COMPANY_SUFFIX = {"NO": "AS", "SE": "AB", "DK": "ApS"}
CURRENCY = {"NO": "NOK", "SE": "SEK", "DK": "DKK"}
