#!/usr/bin/env python3
"""Makes a conformance set of scanned, pen-signed Swedish minutes (issue 23, item 5).

Each case typesets one sammanträdesprotokoll (a page 1 with organ, date, time, place, the
Beslutande / Övriga deltagare lists, Utses att justera, Justeringens plats och tid, then
paragraphs and a signature block; 1 to 3 pages), draws ink signatures into its signature
block, "scans" the pages (skew, blur, noise, specks, uneven light) and writes an image-only
PDF, with its truth beside it in the format of shared/corpus/protocols:

    OUT/<NNN-layout-variant>/document.pdf   A4 pages, one full-page image each, no text layer
    OUT/<NNN-layout-variant>/expected.json  the verdict a correct verifier gives (verdict.md)
    OUT/<NNN-layout-variant>/truth.txt      the printed text of the pages (no handwriting)

Every layout comes in three variants: `signed` (every designated person signed), `missing`
(one designated secretary, chair or adjuster did not) and `noink` (printed, never signed).
Expected verdicts follow the corpus's own scans (000-scanned, 004-scanned): pen signatures
are `signing[]` events with source `text`, no time, in the order the block gives them;
`signature.unverifiable` (warning) for the ink, `document.ocr_used` (info), so a fully
signed scan is `warnings`; a designated person without ink is `role.missing_signature`
(error, so `failed`); with no ink at all there is no signing and the status is `failed`
(like 002-unsigned-draft). Justering and anslag dates always meet the deadlines.

A layout's three variants share their minutes (names, dates, text, layout); ink and scan
differ. The page images are encoded as JPEG grey, JPEG colour, Flate grey (with or without
a PNG predictor) or CCITT G4 bitonal, at 150 to 300 dpi. expected.json also carries a
`generator` object the judge ignores: layout, variant, who is missing, where each ink went
(its position: above, on or through the line, over the name; its box in mm from the page's
top left before the skew) and the scan parameters. Everything follows from --seed: the same
seed gives the same files, whatever --jobs.

usage:
    make-scanned-minutes.py --out DIR [--seed N] [--count N] [--layouts a,b] [--variants v,w]
                            [--jobs N]
    make-scanned-minutes.py --list
    python3 ../shared/tools/conformance.py BIN DIR --trust ../shared/corpus/pki/test-root.pem

Needs: pip install Pillow numpy   (fonts: Debian's fonts-dejavu-core)
"""
import argparse
import datetime as dt
import io
import json
import math
import random
import unicodedata
import zlib
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
RENDER_DPI = 300  # pages are typeset at this resolution, then scanned down to the case's dpi
PAGE_MM = (210.0, 297.0)
PAGE_PT = (595.28, 841.89)
PX_PER_MM = RENDER_DPI / 25.4
PRINT = (22, 22, 24)

VARIANTS = ["signed", "missing", "noink"]
ENCODINGS = ["jpeg-grey", "ccitt-g4", "jpeg-colour", "flate-grey"]


# --------------------------------------------------------------------------------------------
# Swedish calendar (Lag (1930:173) om beräkning av lagstadgad tid)

def easter(y):
    a, b, c = y % 19, y // 100, y % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month = (h + l_ - 7 * m + 114) // 31
    day = (h + l_ - 7 * m + 114) % 31 + 1
    return dt.date(y, month, day)


def holidays(y):
    e = easter(y)
    fixed = [(1, 1), (1, 6), (5, 1), (6, 6), (12, 24), (12, 25), (12, 26), (12, 31)]
    days = {dt.date(y, m, d) for m, d in fixed}
    days |= {e - dt.timedelta(2), e, e + dt.timedelta(1), e + dt.timedelta(39), e + dt.timedelta(49)}
    mid = next(dt.date(y, 6, d) for d in range(19, 26) if dt.date(y, 6, d).weekday() == 4)
    days |= {mid, mid + dt.timedelta(1)}
    allh = next(dt.date(y, m, d) for m, d in [(10, 31)] + [(11, x) for x in range(1, 7)]
                if dt.date(y, m, d).weekday() == 5)
    days.add(allh)
    return days


def workday(d):
    return d.weekday() < 5 and d not in holidays(d.year)


def next_workday(d):
    while not workday(d):
        d += dt.timedelta(1)
    return d


def add_workdays(d, n):
    while n > 0:
        d += dt.timedelta(1)
        if workday(d):
            n -= 1
    return d


MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
          "september", "oktober", "november", "december"]
WEEKDAYS = ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"]


def long_date(d, weekday=False):
    s = f"{d.day} {MONTHS[d.month - 1]} {d.year}"
    return f"{WEEKDAYS[d.weekday()]} {s}" if weekday else s


# --------------------------------------------------------------------------------------------
# People and organisations

FIRST = [
    "Berit", "Emma", "Åsa", "Örjan", "Göran", "Björn", "Linnéa", "André", "Renée", "Désirée",
    "Märta", "Måns", "Håkan", "Pär", "Åke", "Ingegärd", "Gunnel", "Agneta", "Stig", "Torbjörn",
    "Sören", "Kjell-Åke", "Per-Erik", "Anna-Lena", "Eva-Marie", "Lars-Göran", "Britt-Marie",
    "Jan-Olof", "Mårten", "Jöns", "Gösta", "Maja", "Ulla-Britt", "Tove", "Helén", "Sölve",
    "Elin", "Fredrik", "Karin", "Mattias", "Ylva", "Inger", "Ove", "Zackarias", "Nils",
    "Ebba", "Jörgen", "Lena", "Olle", "Ingrid", "Maria", "Johan", "Kristina", "Anders", "Sara",
    "Leif", "Hanna", "Tomas", "Gun", "Ali", "Amira", "Rasmus", "Signe", "Viveka", "Benny",
]
LAST = [
    "Ångman", "Lindström", "Söderberg", "Åkesson", "Öberg", "Nordén", "Sjögren", "Hellström",
    "Engström", "Bäckström", "Löfgren", "Wåhlin", "Ståhl", "Strömberg", "Sjödén", "Hägglund",
    "Törnqvist", "Westerlund", "Björklund", "Näslund", "Åström", "Grönlund", "Fjällström",
    "Lundén", "Sandén", "Berglöf", "Mäkinen", "Forsén", "Ekström", "Danielsson", "Holmgren",
    "Ljungqvist", "Jönsson", "Persson-Öhrn", "Karlsson-Löf", "Nilsson Berg", "Hedén",
    "Wikström", "Gällstedt", "Östlund", "Pålsson", "Rönnbäck", "Sundqvist", "Ärlebäck",
    "Nyström", "Vikén", "Olofsson", "Häggström", "Lövgren", "Bergqvist", "Marklund",
    "Sandström", "Åhlén", "Eriksson-Wälivaara", "Dahlén", "Kärrman", "Ödmark", "Björnfot",
]
PARTIES = ["S", "S", "S", "M", "M", "C", "C", "SD", "SD", "V", "KD", "L", "MP"]

ORGS = [
    # name, kind, dnr style, places
    ("Ånge kommun", "kommun", ["Kommunhuset, Ånge", "Folkets hus, Ljungaverk"]),
    ("Kramfors kommun", "kommun", ["Stadshuset, sammanträdesrum Ådalen", "Digitalt via Teams"]),
    ("Sollefteå kommun", "kommun", ["Kommunhuset, KS-salen", "Sollefteå, Hotell Hallstaberget"]),
    ("Härjedalens kommun", "kommun", ["Kommunhuset, Sveg", "Funäsdalen, Fjällmuseet"]),
    ("Örnsköldsviks kommun", "kommun", ["Rådhuset, sammanträdesrum Örnen", "Skyttis, Örnsköldsvik"]),
    ("Strömsunds kommun", "kommun", ["Kommunhuset, sammanträdesrum Ströms Vattudal"]),
    ("Överkalix kommun", "kommun", ["Kommunkontoret, Älvsalen", "Digitalt via Teams"]),
    ("Gällivare kommun", "kommun", ["Stadshuset, Malmbergssalen"]),
    ("Tomelilla kommun", "kommun", ["Kommunhuset, Gyllebosalen"]),
    ("Höörs kommun", "kommun", ["Kommunhuset, sammanträdesrum Ringsjön"]),
    ("Älvdalens kommun", "kommun", ["Kommunhuset, Älvdalen"]),
    ("Säffle kommun", "kommun", ["Stadshuset, sammanträdesrum Byälven"]),
    ("Region Jämtland Härjedalen", "region", ["Regionens hus, Östersund"]),
    ("Kommunförbundet Norrbotten", "förbund", ["Kommunförbundets kansli, Luleå", "Digitalt via Teams"]),
    ("Samordningsförbundet Södra Hälsingland", "förbund", ["Stadshuset, Söderhamn"]),
]
ORGANS_KOMMUN = [
    ("Kommunstyrelsen", "KS"), ("Kommunstyrelsens arbetsutskott", "KS"),
    ("Barn- och utbildningsnämnden", "BUN"), ("Socialnämnden", "SN"),
    ("Miljö- och byggnadsnämnden", "MBN"), ("Kultur- och fritidsnämnden", "KFN"),
    ("Tekniska nämnden", "TN"), ("Valnämnden", "VN"), ("Överförmyndarnämnden", "ÖFN"),
]
ORGANS_REGION = [("Regionstyrelsen", "RS"), ("Hälso- och sjukvårdsnämnden", "HSN"),
                 ("Regionala utvecklingsnämnden", "RUN")]
ORGANS_FORBUND = [("Styrelsen", None), ("Förbundsstyrelsen", None)]
MEMBER_MUNICIPALITIES = ["Luleå", "Piteå", "Boden", "Kalix", "Haparanda", "Älvsbyn", "Jokkmokk",
                         "Arjeplog", "Söderhamn", "Bollnäs", "Ovanåker", "Överkalix", "Pajala"]
OFFICIALS = ["kommunchef", "förvaltningschef", "ekonomichef", "controller", "utredare",
             "planarkitekt", "verksamhetschef", "förbundschef", "kanslichef", "HR-chef",
             "miljöinspektör", "enhetschef"]


def fold(s):
    s = unicodedata.normalize("NFKD", s)
    return " ".join("".join(c for c in s if not unicodedata.combining(c)).casefold().split())


class Person:
    def __init__(self, first, last, party=None, affiliation=None):
        self.first, self.last = first, last
        self.name = f"{first} {last}"
        self.party, self.affiliation = party, affiliation
        self.role = "member"          # the role the attendance list gives
        self.replaces = None
        self.title = None


def people(rng, n):
    out, seen_first_last, seen_last = [], set(), set()
    while len(out) < n:
        f, l_ = rng.choice(FIRST), rng.choice(LAST)
        key = fold(f + " " + l_)
        last_words = {fold(w) for w in l_.replace("-", " ").split()}
        if key in seen_first_last or last_words & seen_last:
            continue
        seen_first_last.add(key)
        seen_last |= last_words
        out.append(Person(f, l_))
    return out


# --------------------------------------------------------------------------------------------
# Minutes content

ITEMS = [
    ("Godkännande av dagordning", ["Dagordningen läggs fram för godkännande.",
                                   "{organ} godkänner dagordningen."], None),
    ("Ekonomisk uppföljning per {month}", [
        "Förvaltningen redovisar det ekonomiska utfallet till och med {month}. Prognosen för "
        "helåret visar ett underskott om {n} miljoner kronor, främst inom försörjningsstöd och "
        "placeringar.",
        "{organ} godkänner uppföljningen och uppdrar åt förvaltningen att ta fram en "
        "åtgärdsplan."], "Ekonomi"),
    ("Detaljplan för {plats}, antagande", [
        "Planförslaget har varit utställt för granskning. Inkomna synpunkter har sammanställts "
        "i ett granskningsutlåtande och föranleder mindre ändringar av planbeskrivningen.",
        "{organ} föreslår kommunfullmäktige att anta detaljplanen."], "Plan"),
    ("Delegationsbeslut", [
        "Redovisning av beslut fattade med stöd av delegation under perioden {period}.",
        "{organ} lägger redovisningen till handlingarna."], None),
    ("Meddelanden", ["Inkomna skrivelser, domar och protokoll redovisas enligt bilaga.",
                     "{organ} lägger meddelandena till handlingarna."], None),
    ("Medborgarförslag om {forslag}", [
        "Ett medborgarförslag har kommit in om {forslag}. Förvaltningen har berett ärendet och "
        "bedömer att förslaget ryms inom befintlig budget för underhåll.",
        "{organ} bifaller medborgarförslaget."], "Medborgarförslag"),
    ("Motion om {forslag}", [
        "{mover} har i en motion föreslagit {forslag}. Förvaltningen föreslår att motionen "
        "anses besvarad med hänvisning till pågående arbete.",
        "{organ} föreslår fullmäktige att motionen anses besvarad."], "Motion"),
    ("Taxa för {taxa} {year}", [
        "Förslag till ny taxa för {taxa} har tagits fram. Taxan räknas upp med "
        "prisindex för kommunal verksamhet.",
        "{organ} antar taxan att gälla från och med den 1 januari {year}."], "Taxa"),
    ("Internkontrollplan {year}", [
        "Förvaltningen har tagit fram förslag till internkontrollplan med granskningsområden "
        "utifrån en risk- och väsentlighetsanalys.",
        "{organ} antar internkontrollplanen för {year}."], None),
    ("Information från förvaltningen", [
        "{official} informerar om arbetsmiljö, rekrytering och det pågående arbetet med "
        "lokalförsörjningsplanen.", "{organ} tackar för informationen."], None),
    ("Revidering av delegationsordning", [
        "Delegationsordningen behöver revideras med anledning av ändrad lagstiftning och "
        "ändrad organisation.", "{organ} antar den reviderade delegationsordningen."], None),
    ("Yttrande över remiss om {remiss}", [
        "{organ} har fått remissen för yttrande. Förvaltningen har tagit fram ett förslag "
        "till yttrande.", "{organ} antar förvaltningens yttrande som sitt eget."], "Remiss"),
]
PLACES = ["Björkbacken etapp 2", "Östra Hamnen", "kv. Näktergalen 4", "Älvängen", "Sörgården",
          "Skolområdet i Högåsen", "Rönnbärsvägen", "Ängsbacken"]
PROPOSALS = ["belysning längs gång- och cykelvägen vid Ängsbacken",
             "en hundrastgård i centrum", "fler laddstolpar vid kommunhuset",
             "gratis simskola för alla barn i årskurs 2", "en ny lekplats i Östra Hamnen"]
TAXES = ["bygglov", "livsmedelskontroll", "färdtjänst", "uthyrning av lokaler", "avfall"]
REMISSES = ["länets regionala utvecklingsstrategi", "ny trafikförsörjningsplan",
            "Boverkets förslag till byggregler"]


class Minutes:
    """What a case's minutes say: the facts the expected.json records."""

    def __init__(self, rng):
        self.org, kind, places = rng.choice(ORGS)
        self.kind = kind
        if kind == "kommun":
            self.organ, self.dnr = rng.choice(ORGANS_KOMMUN)
        elif kind == "region":
            self.organ, self.dnr = rng.choice(ORGANS_REGION)
        else:
            self.organ, self.dnr = rng.choice(ORGANS_FORBUND)
        self.place = rng.choice(places)
        d = dt.date(2019, 1, 1) + dt.timedelta(rng.randrange(0, 365 * 7 + 300))
        while not workday(d) or d.month == 7 or (d.month == 12 and d.day > 18):
            d += dt.timedelta(1)
        self.date = d
        h = rng.choice([8, 8, 9, 9, 10, 13, 13, 14, 15, 18])
        m = rng.choice([0, 0, 0, 15, 30])
        self.start = dt.time(h, m)
        dur = rng.choice([45, 60, 90, 120, 150, 180, 210])
        end = dt.datetime.combine(d, self.start) + dt.timedelta(minutes=dur)
        self.end = end.time()
        self.want_pages = rng.choice([1, 2, 2, 3])
        # people
        n_members = rng.randint(4, 7) if self.want_pages == 1 else rng.randint(5, 11)
        extra = rng.randint(0, 1 if self.want_pages == 1 else 2)   # ersättare, not serving
        n_other = rng.randint(1, 2 if self.want_pages == 1 else 4)
        ps = people(rng, n_members + extra + n_other + 2)
        aff = (lambda: None) if kind == "kommun" else (lambda: rng.choice(MEMBER_MUNICIPALITIES))
        self.beslutande = ps[:n_members]
        for p in self.beslutande:
            p.party = rng.choice(PARTIES) if kind != "förbund" or rng.random() < 0.7 else None
            p.affiliation = aff()
        self.chair = self.beslutande[0]
        self.chair.role = "chair"
        if n_members >= 7 and rng.random() < 0.6:
            self.beslutande[1].role = "vice_chair"
            self.beslutande[1].title = rng.choice(["1:e vice ordförande", "vice ordförande"])
        # a serving substitute (tjänstgörande ersättare) for an absent member
        self.absent = ps[-1]
        if rng.random() < 0.5:
            sub = self.beslutande[-1]
            sub.role = "substitute"
            self.absent.party = sub.party
            sub.replaces = self.absent.name
        self.ersattare = ps[n_members:n_members + extra]
        for p in self.ersattare:
            p.role = "substitute"
            p.party = rng.choice(PARTIES)
            p.affiliation = aff()
        self.secretary = ps[n_members + extra]
        self.secretary_listed = rng.random() < 0.8
        self.secretary.role = "secretary" if self.secretary_listed else None
        self.ovriga = ps[n_members + extra + 1:n_members + extra + n_other]
        for p in self.ovriga:
            p.role = "other"
            p.title = rng.choice(OFFICIALS)
        candidates = [p for p in self.beslutande[1:] if p.role != "substitute"] or self.beslutande[1:]
        self.adjusters = rng.sample(candidates, 2 if rng.random() < 0.35 else 1)
        # justering: a workday 1 to 9 workdays after the meeting (the deadline is 14 days)
        self.justering = add_workdays(d, rng.randint(1, 7))
        assert (self.justering - d).days <= 14
        self.justering_place = rng.choice(["Kommunkansliet", "Kommunhuset", "Digitalt",
                                           "Kansliet", self.place.split(",")[0]])
        # anslag: posted on the justering day or the workday after, down at least three weeks
        # later (the appeal period's last day moved past weekends and holidays)
        self.posted = self.justering if rng.random() < 0.6 else add_workdays(self.justering, 1)
        down = next_workday(self.posted + dt.timedelta(21))
        self.taken_down = add_workdays(down, rng.randint(0, 2))
        self.storage = rng.choice(["Kommunkansliet", "Kansliavdelningen, kommunhuset",
                                   f"{self.org.split()[0]}s kansli", "Registraturen"])
        # paragraphs
        self.first_par = rng.choice([1, 1, rng.randint(2, 40), rng.randint(40, 260)])
        self.year = d.year
        self.dnr_base = rng.randint(10, 900)

    @property
    def organ_full(self):
        return f"{self.organ}, {self.org}"

    def participants(self):
        out = []
        for p in self.beslutande:
            e = {"name": p.name, "role": p.role, "party": p.party, "affiliation": p.affiliation}
            if p.replaces:
                e["replaces"] = p.replaces
            out.append(e)
        for p in self.ersattare:
            out.append({"name": p.name, "role": "substitute", "party": p.party,
                        "affiliation": p.affiliation})
        if self.secretary_listed:
            out.append({"name": self.secretary.name, "role": "secretary", "party": None,
                        "affiliation": None})
        for p in self.ovriga:
            out.append({"name": p.name, "role": "other", "party": None, "affiliation": p.title})
        return out

    def signers(self):
        """(role, person) in the canonical order: secretary, chair, adjusters."""
        return [("secretary", self.secretary), ("chair", self.chair)] + \
               [("adjuster", a) for a in self.adjusters]


def paragraphs(rng, mt, n):
    """n paragraphs, the first one the election of adjusters: (number, title, dnr, lines)."""
    adj = " och ".join(f"{a.name} ({a.party})" if a.party else a.name for a in mt.adjusters)
    out = [(mt.first_par, "Val av justerare", None,
            [f"{mt.organ} utser {adj} att jämte ordföranden justera dagens protokoll."])]
    pool = rng.sample(ITEMS, min(n - 1, len(ITEMS)))
    fill = dict(organ=mt.organ, month=rng.choice(MONTHS[:10]), n=rng.randint(2, 19),
                plats=rng.choice(PLACES), period=f"{MONTHS[(mt.date.month + 9) % 12]}–"
                f"{MONTHS[(mt.date.month + 10) % 12]} {mt.year}",
                forslag=rng.choice(PROPOSALS), mover=rng.choice(mt.beslutande[1:]).name,
                taxa=rng.choice(TAXES), year=mt.year + 1, remiss=rng.choice(REMISSES),
                official=(mt.ovriga[0].name + ", " + mt.ovriga[0].title) if mt.ovriga else
                "Förvaltningschefen")
    for i, (title, body, dnr) in enumerate(pool):
        num = mt.first_par + 1 + i
        code = f"{mt.dnr} " if mt.dnr else ""
        d = f"Dnr {code}{mt.year}/{mt.dnr_base + 7 * i:05d}" if dnr or rng.random() < 0.4 else None
        out.append((num, title.format(**fill), d, [b.format(**fill) for b in body]))
    return out


# --------------------------------------------------------------------------------------------
# Typesetting on a 300-dpi page

_fonts = {}


def font(face, pt):
    px = max(6, round(pt * RENDER_DPI / 72))
    key = (face, px)
    if key not in _fonts:
        _fonts[key] = ImageFont.truetype(str(FONT_DIR / face), px)
    return _fonts[key]


def mm(v):
    return v * PX_PER_MM


FAMILIES = {
    "sans": ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    "serif": ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf"),
    "condensed": ("DejaVuSansCondensed.ttf", "DejaVuSansCondensed-Bold.ttf"),
}


class Page:
    def __init__(self, style):
        w, h = round(mm(PAGE_MM[0])), round(mm(PAGE_MM[1]))
        self.img = Image.new("RGB", (w, h), (255, 255, 255))
        self.draw = ImageDraw.Draw(self.img)
        self.style = style
        self.truth = []          # blocks of lines, in reading order
        self.head_truth = []
        self.slots = []          # where ink may go
        self.stamps = []

    def f(self, bold=False, pt=None):
        fam = FAMILIES[self.style["family"]]
        return font(fam[1] if bold else fam[0], pt or self.style["pt"])

    def width(self, s, bold=False, pt=None):
        return self.f(bold, pt).getlength(s) / PX_PER_MM

    def text(self, x, y, s, bold=False, pt=None, anchor="ls"):
        """Text with its baseline at y (mm)."""
        self.draw.text((mm(x), mm(y)), s, font=self.f(bold, pt), fill=PRINT, anchor=anchor)

    def hline(self, x0, x1, y_mm, kind="solid", weight=0.25):
        y = mm(y_mm)
        if kind == "solid":
            self.draw.line((mm(x0), y, mm(x1), y), fill=PRINT, width=max(1, round(mm(weight))))
        elif kind == "dashed":
            x = x0
            while x < x1:
                self.draw.line((mm(x), y, mm(min(x + 1.8, x1)), y), fill=PRINT,
                               width=max(1, round(mm(weight))))
                x += 2.8
        elif kind == "dotted":
            x, r = x0, mm(0.17)
            while x <= x1:
                self.draw.ellipse((mm(x) - r, y - r, mm(x) + r, y + r), fill=PRINT)
                x += 1.05
        elif kind == "periods":    # a typed row of full stops
            n = max(3, int((x1 - x0) / self.width(".")))
            self.text(x0, y_mm, "." * n)

    def rect(self, x0, y0, x1, y1, weight=0.25):
        self.draw.rectangle((mm(x0), mm(y0), mm(x1), mm(y1)), outline=PRINT,
                            width=max(1, round(mm(weight))))

    def lh(self, pt=None):
        return (pt or self.style["pt"]) * 1.38 * 25.4 / 72


class Flow:
    """Top-to-bottom layout over pages with margins; a page header on each page."""

    def __init__(self, mt, style, rng):
        self.mt, self.style, self.rng = mt, style, rng
        self.pages = []
        self.left, self.right = style["left"], PAGE_MM[0] - style["right"]
        self.bottom = PAGE_MM[1] - (32 if style["footer"] else 18)
        self.new_page()

    @property
    def page(self):
        return self.pages[-1]

    @property
    def width(self):
        return self.right - self.left

    def new_page(self):
        self.pages.append(Page(self.style))
        self.y = self.style["top"] + 24

    def ensure(self, h):
        if self.y + h > self.bottom:
            self.new_page()

    def gap(self, h):
        self.y += h

    def wrap(self, s, width, bold=False, pt=None):
        words, lines, cur = s.split(), [], ""
        for w in words:
            t = (cur + " " + w).strip()
            if self.page.width(t, bold, pt) <= width or not cur:
                cur = t
            else:
                lines.append(cur)
                cur = w
        if cur:
            lines.append(cur)
        return lines

    def para(self, s, x=None, bold=False, pt=None, block=None):
        x = self.left if x is None else x
        lines = self.wrap(s, self.right - x, bold, pt)
        lh = self.page.lh(pt)
        out = []
        for ln in lines:
            self.ensure(lh)
            self.y += lh
            self.page.text(x, self.y, ln, bold, pt)
            out.append(ln)
        if block is None:
            self.page.truth.append(out)
        else:
            block.extend(out)
        self.y += lh * 0.45
        return out

    def labelled(self, label, values, lab_w, bold_label=True, block=None):
        """A label column and value lines beside it (the page-1 fact table)."""
        lh = self.page.lh()
        x = self.left + lab_w
        lines = []
        for v in values:
            lines += self.wrap(v, self.right - x) or [""]
        self.ensure(lh * min(len(lines), 3))
        out = []
        for i, ln in enumerate(lines):
            self.ensure(lh)
            self.y += lh
            if i == 0:
                self.page.text(self.left, self.y, label, bold_label)
                out.append(f"{label} {ln}".strip())
            else:
                out.append(ln)
            self.page.text(x, self.y, ln)
        self.page.truth.append(out)
        self.y += lh * 0.55


def draw_headers(flow, mt, date_text):
    n = len(flow.pages)
    st = flow.style
    for i, page in enumerate(flow.pages, 1):
        top = st["top"]
        lines = []
        if st["header"] == "table":
            org = mt.org.upper() if st["caps"] else mt.org
            pt = 12
            while page.width(org, True, pt) > flow.right - 64 - flow.left and pt > 7:
                pt -= 0.5
            page.text(flow.left, top + 6, org, bold=True, pt=pt)
            page.text(flow.right - 62, top + 6, "SAMMANTRÄDESPROTOKOLL", bold=True, pt=10)
            page.text(flow.right - 62, top + 11, "Sammanträdesdatum", pt=8)
            page.text(flow.right - 62, top + 15.5, date_text, pt=10)
            page.text(flow.right, top + 11, f"{i} ({n})", pt=9, anchor="rs")
            page.text(flow.left, top + 15.5, mt.organ, pt=10)
            page.hline(flow.left, flow.right, top + 18.5, "solid", 0.3)
            lines = [f"{mt.org.upper() if st['caps'] else mt.org} SAMMANTRÄDESPROTOKOLL {i} ({n})",
                     "Sammanträdesdatum", f"{mt.organ} {date_text}"]
        else:
            page.text(flow.left, top + 6, mt.org, bold=True, pt=11)
            page.text(flow.right, top + 6, f"Sida {i} av {n}", pt=9, anchor="rs")
            page.text(flow.left, top + 12, f"PROTOKOLL {mt.organ} {date_text}", pt=9)
            lines = [f"{mt.org} Sida {i} av {n}", f"PROTOKOLL {mt.organ} {date_text}"]
        page.truth.insert(0, lines)
        if st["footer"]:
            footer(flow, page)


def footer(flow, page):
    """'Justerandes sign' and 'Utdragsbestyrkande' boxes at the foot of each page, where the
    adjusters (and the chair) put their initials."""
    y0 = PAGE_MM[1] - 28
    x = flow.left
    whose = flow.mt.adjusters + ([flow.mt.chair] if flow.style["footer_chair"] else [])
    page.text(x, y0, "Justerandes sign", pt=8)
    for b, p in enumerate(whose):
        bx = x + b * 22
        page.rect(bx, y0 + 2, bx + 20, y0 + 14)
        page.slots.append(dict(kind="initials", person=p, x0=bx + 2, x1=bx + 18, top=y0 + 3,
                               bottom=y0 + 13, line=None, modes=["box"]))
    ux = flow.right - 45
    page.text(ux, y0, "Utdragsbestyrkande", pt=8)
    page.rect(ux, y0 + 2, flow.right, y0 + 14)
    page.truth.append(["Justerandes sign Utdragsbestyrkande"])


# --------------------------------------------------------------------------------------------
# Signature blocks: each layout draws its labels, lines and printed names, and leaves a slot
# (where ink goes) per signer, in the block's reading order.

def slot(page, role, person, x0, x1, top, bottom, line, name_top, name_bottom, modes, kind="signature"):
    page.slots.append(dict(kind=kind, role=role, person=person, x0=x0, x1=x1, top=top,
                           bottom=bottom, line=line, name_top=name_top, name_bottom=name_bottom,
                           modes=modes))


ROLE_LABEL = {"secretary": "Sekreterare", "chair": "Ordförande", "adjuster": "Justerare"}
ROLE_WORD = {"secretary": "sekreterare", "chair": "ordförande", "adjuster": "justerare"}


def stack_unit(fl, x, w, role, person, label, label_pos, line_kind, name_text, ink_space,
               modes, block):
    """Label (above or below), room for ink, a line, the printed name. Returns the bottom."""
    pg, lh = fl.page, fl.page.lh()
    y = fl.y
    lab_bold = fl.style["bold_labels"]
    if label and label_pos == "above":
        y += lh
        pg.text(x, y, label, bold=lab_bold)
        block.append(label)
        top = y + lh * 0.35
    else:
        top = y + 1.0
    line_y = top + ink_space
    if line_kind != "none":
        pg.hline(x, x + w, line_y, line_kind)
    name_base = line_y + lh * (0.95 if line_kind != "none" else 0.2)
    pg.text(x, name_base, name_text)
    block.append(name_text)
    name_top = name_base - lh * 0.72
    bottom = name_base + lh * 0.3
    if label and label_pos == "below":
        bottom = name_base + lh
        pg.text(x, bottom, label, bold=lab_bold)
        block.append(label)
        bottom += lh * 0.3
    slot(pg, role, person, x, x + w, top, name_base + lh * 0.25,
         line_y if line_kind != "none" else None, name_top, name_base + lh * 0.2, modes)
    return bottom


def rows_side_by_side(fl, rows, unit_w, gap, draw_unit):
    """rows: lists of units; units in a row side by side. Truth: one line per text row."""
    for row in rows:
        heights = []
        for probe in row:
            heights.append(probe["height"])
        fl.ensure(max(heights))
        blocks, bottoms = [], []
        for i, u in enumerate(row):
            b = []
            bottoms.append(draw_unit(fl, fl.left + u.get("col", i) * (unit_w + gap), unit_w, u, b))
            blocks.append(b)
        # merge the units' text line by line (they share baselines)
        merged = []
        for k in range(max(len(b) for b in blocks)):
            merged.append(" ".join(b[k] for b in blocks if k < len(b)))
        fl.page.truth.append(merged)
        fl.y = max(bottoms) + fl.style["unit_gap"]


def unit_height(fl, label_pos, ink_space):
    lh = fl.page.lh()
    return ink_space + lh * (2.4 if label_pos in ("above", "below") else 1.4)


def role_label(rng, role, pool=None):
    if pool and role in pool:
        return rng.choice(pool[role])
    return ROLE_LABEL[role]


def heading(fl, s, pt=None):
    fl.ensure(fl.page.lh(pt) * 4)
    fl.gap(2)
    fl.para(s, bold=True, pt=pt)


def L_vid_protokollet(fl, mt, rng, order):
    """The common layout: 'Vid protokollet', ink, a dotted line, the secretary's name;
    'Justeras', the chair's line with 'Name, ordförande' and the adjusters' lines."""
    line = rng.choice(["dotted", "dotted", "periods", "dashed"])
    sp = rng.uniform(12, 16)
    w = rng.uniform(70, 90)
    modes = ["above", "above", "on", "through", "over-name"]
    need = unit_height(fl, "above", sp) * len(order) + 10
    fl.ensure(need)
    fl.gap(4)
    sec = [p for r, p in order if r == "secretary"][0]
    b = []
    fl.y = stack_unit(fl, fl.left, w, "secretary", sec, "Vid protokollet", "above", line, sec.name,
                      sp, modes, b) + 4
    fl.page.truth.append(b)
    first = True
    for role, p in order:
        if role == "secretary":
            continue
        b = []
        label = "Justeras" if first else None
        first = False
        if role == "chair":
            name = f"{p.name}, ordförande"
        else:
            name = f"{p.name}, justerare" if rng.random() < 0.6 else p.name
        fl.y = stack_unit(fl, fl.left, w, role, p, label, "above", line, name, sp, modes, b) + 3
        fl.page.truth.append(b)


def L_label_above(fl, mt, rng, order):
    """Sekreterare / Ordförande / Justerare above a solid line, ink over it, name below."""
    line = rng.choice(["solid", "solid", "dashed"])
    sp = rng.uniform(12, 17)
    w = rng.uniform(65, 85)
    pool = {"adjuster": ["Justerare", "Justerande"]}
    heading(fl, rng.choice(["Underskrifter", "Signaturer"]))
    for role, p in order:
        fl.ensure(unit_height(fl, "above", sp))
        b = []
        fl.y = stack_unit(fl, fl.left, w, role, p, role_label(rng, role, pool), "above", line,
                          p.name, sp, ["above", "above", "on", "through", "over-name"], b) + 3
        fl.page.truth.append(b)


def L_label_beside(fl, mt, rng, order, with_paragraphs=True):
    """The municipal template: 'Underskrifter' in the far column, the role label beside a
    dotted line, the printed name under the line; 'Paragrafer §§ a–b' right of the
    secretary's line."""
    pg = fl.page
    lh = pg.lh()
    line = rng.choice(["dotted", "periods", "solid", "dashed"])
    sp = rng.uniform(12, 16)
    bl = fl.style["bold_labels"]
    col0 = 0 if rng.random() < 0.3 else pg.width("Underskrifter", True) + 5   # or no such column
    pool = {"secretary": ["Sekreterare", "Sekreterare", "Protokollförare"],
            "adjuster": ["Justerare", "Justerande"]}
    lab_w = max(pg.width(w_, bl) for w_ in ("Protokollförare", "Ordförande", "Justerande")) + 4
    x_lab = fl.left + col0
    x_line = x_lab + lab_w
    line_w = min(75, fl.right - x_line - (40 if with_paragraphs else 0))
    fl.ensure((sp + lh * 1.5) * len(order) + 6)
    fl.gap(4)
    first = True
    last_par = mt.first_par + mt.n_pars - 1
    for role, p in order:
        top = fl.y + 1
        line_y = fl.y + sp
        b = []
        if first and col0:
            pg.text(fl.left, line_y, "Underskrifter", bold=True)
        label = role_label(rng, role, pool)
        pg.text(x_lab, line_y, label, bold=fl.style["bold_labels"])
        pg.hline(x_line, x_line + line_w, line_y, line)
        head = ("Underskrifter " if first and col0 else "") + label
        if first and with_paragraphs:
            par = f"Paragrafer §§ {mt.first_par}–{last_par}"
            pg.text(x_line + line_w + 5, line_y, par)
            head += " " + par
        b.append(head)
        name_base = line_y + lh * 0.95
        pg.text(x_line, name_base, p.name)
        b.append(p.name)
        slot(pg, role, p, x_line, x_line + line_w, top, name_base + lh * 0.2, line_y,
             name_base - lh * 0.72, name_base + lh * 0.2, ["above", "above", "on", "through"])
        fl.page.truth.append(b)
        fl.y = name_base + lh * 0.4
        first = False


def L_label_inline(fl, mt, rng, order):
    """000-scanned's layout: 'Sekreterare: Annelie Ledin', then room for ink, then a line."""
    pg = fl.page
    lh = pg.lh()
    line = rng.choice(["dotted", "dashed", "dotted"])
    sp = rng.uniform(11, 15)
    w = rng.uniform(85, 110)
    pool = {"adjuster": ["Justerande", "Justerare"]}
    heading(fl, "Underskrifter", pt=fl.style["pt"] + 3)
    for role, p in order:
        fl.ensure(lh + sp + 4)
        pg = fl.page
        fl.y += lh
        s = f"{role_label(rng, role, pool)}: {p.name}"
        pg.text(fl.left, fl.y, s)
        line_y = fl.y + sp
        pg.hline(fl.left, fl.left + w, line_y, line)
        slot(pg, role, p, fl.left, fl.left + w, fl.y + 1.5, line_y + 1.5, line_y, None, None,
             ["above", "above", "on"])
        pg.truth.append([s])
        fl.y = line_y + 5


def L_two_columns(fl, mt, rng, order):
    """The secretary alone, then the chair and an adjuster side by side."""
    line = rng.choice(["dashed", "dotted", "solid"])
    sp = rng.uniform(12, 16)
    gap = 12
    w = (fl.width - gap) / 2
    sec_label = rng.choice(["Vid protokollet", "Sekreterare"])
    units = [dict(role=r, p=p, label=sec_label if r == "secretary" else ROLE_LABEL[r] if r == "chair"
                  else rng.choice(["Justerare", "Justerande"]),
                  height=unit_height(fl, "above", sp)) for r, p in order]
    rows = [[units[0]], units[1:3]] + ([[dict(units[3], col=1)]] if len(units) > 3 else [])
    heading(fl, "Underskrifter")

    def draw(fl, x, w_, u, b):
        return stack_unit(fl, x, w_ - 5, u["role"], u["p"], u["label"], "above", line, u["p"].name,
                          sp, ["above", "on", "through", "over-name"], b)
    rows_side_by_side(fl, rows, w, gap, draw)


def L_three_columns(fl, mt, rng, order):
    """Sekreterare | Ordförande | Justerare in one row (a second adjuster below the first)."""
    line = rng.choice(["dashed", "solid", "dotted"])
    sp = rng.uniform(13, 17)
    gap = 7
    w = (fl.width - 2 * gap) / 3
    units = [dict(role=r, p=p, label=ROLE_LABEL[r], height=unit_height(fl, "above", sp))
             for r, p in order]
    rows = [units[:3]] + ([[dict(units[3], col=2)]] if len(units) > 3 else [])
    fl.gap(4)

    def draw(fl, x, w_, u, b):
        return stack_unit(fl, x, w_, u["role"], u["p"], u["label"], "above", line, u["p"].name,
                          sp, ["above", "on", "through", "over-name"], b)
    rows_side_by_side(fl, rows, w, gap, draw)


def L_table_cells(fl, mt, rng, order):
    """004-scanned's layout: a bordered table, the label in the left cell, ink above the
    printed name in the cell beside it, an empty cell on the right."""
    pg = fl.page
    lh = pg.lh()
    row_h = rng.uniform(20, 26)
    c0 = fl.left
    c1 = c0 + rng.uniform(35, 45)
    c2 = c1 + rng.uniform(70, 85)
    c3 = fl.right
    fl.ensure(row_h * len(order) + 4)
    pg = fl.page
    fl.gap(3)
    pool = {"adjuster": ["Justerare", "Justerande"]}
    for role, p in order:
        y0, y1 = fl.y, fl.y + row_h
        for xa, xb in ((c0, c1), (c1, c2), (c2, c3)):
            pg.rect(xa, y0, xb, y1)
        label = role_label(rng, role, pool)
        pg.text(c0 + 2, y0 + lh, label, bold=True)
        name_base = y1 - 3
        pg.text(c1 + 3, name_base, p.name)
        slot(pg, role, p, c1 + 3, c2 - 3, y0 + 1.2, name_base + 0.8, None, name_base - lh * 0.72,
             name_base + lh * 0.2, ["above", "above", "over-name"])
        pg.truth.append([label, p.name])
        fl.y = y1


def L_table_grid(fl, mt, rng, order):
    """A grid: a header row of role labels, below it one cell per signer with ink above the
    printed name (sometimes the chair's column first, the secretary's last)."""
    pg = fl.page
    lh = pg.lh()
    if rng.random() < 0.5:
        order = [o for o in order if o[0] == "chair"] + [o for o in order if o[0] == "adjuster"] + \
                [o for o in order if o[0] == "secretary"]
    n = len(order)
    head_h, cell_h = lh * rng.uniform(1.5, 2.2), rng.uniform(20, 25)
    fl.ensure(head_h + cell_h + 6)
    pg = fl.page
    fl.gap(4)
    cw = fl.width / n
    y0 = fl.y
    dotted = rng.random() < 0.5
    labels, names = [], []
    for i, (role, p) in enumerate(order):
        x0 = fl.left + i * cw
        pg.rect(x0, y0, x0 + cw, y0 + head_h)
        pg.rect(x0, y0 + head_h, x0 + cw, y0 + head_h + cell_h)
        label = ROLE_LABEL[role] if role != "adjuster" else rng.choice(["Justerare", "Justerande"])
        pg.text(x0 + 2, y0 + head_h / 2 + lh * 0.3, label, bold=True)
        labels.append(label)
        name_base = y0 + head_h + cell_h - 2.5
        line_y = None
        if dotted:
            line_y = name_base - lh * 0.95
            pg.hline(x0 + 2, x0 + cw - 2, line_y, "dotted")
        pg.text(x0 + 2, name_base, p.name)
        names.append(p.name)
        slot(pg, role, p, x0 + 2, x0 + cw - 2, y0 + head_h + 1, name_base + 0.8, line_y,
             name_base - lh * 0.72, name_base + lh * 0.2, ["above", "above", "over-name"])
    pg.truth.append([" ".join(labels), " ".join(names)])
    fl.y = y0 + head_h + cell_h + 4


def L_no_line(fl, mt, rng, order):
    """Labels above, ink, the printed name; no line to sign on."""
    sp = rng.uniform(11, 15)
    w = 70
    heading(fl, rng.choice(["Underskrifter", "Justering"]))
    pool = {"adjuster": ["Justerare", "Justerande"]}
    for role, p in order:
        fl.ensure(unit_height(fl, "above", sp))
        b = []
        fl.y = stack_unit(fl, fl.left, w, role, p, role_label(rng, role, pool), "above", "none",
                          p.name, sp, ["above", "above", "over-name"], b) + 4
        fl.page.truth.append(b)


def L_name_comma_role(fl, mt, rng, order):
    """No role labels: 'Berit Ångman, ordförande' under each line, ink on or through it."""
    line = rng.choice(["solid", "dotted", "periods"])
    sp = rng.uniform(12, 16)
    w = rng.uniform(70, 90)
    heading(fl, rng.choice(["Underskrifter", "Justering"]))
    for role, p in order:
        fl.ensure(unit_height(fl, "none", sp))
        b = []
        fl.y = stack_unit(fl, fl.left, w, role, p, None, "none", line, f"{p.name}, {ROLE_WORD[role]}",
                          sp, ["on", "on", "through", "above", "over-name"], b) + 3
        fl.page.truth.append(b)


def L_label_below(fl, mt, rng, order):
    """'Ordförande ... Justerande': lines side by side, the name under each, the role under
    the name (the secretary's row above)."""
    line = rng.choice(["dotted", "periods", "solid"])
    sp = rng.uniform(12, 16)
    gap = 14
    w = (fl.width - gap) / 2
    units = [dict(role=r, p=p, label=ROLE_LABEL[r] if r != "adjuster" else "Justerande",
                  height=unit_height(fl, "below", sp)) for r, p in order]
    rows = [[units[0]], units[1:3]] + ([[units[3]]] if len(units) > 3 else [])
    fl.gap(4)

    def draw(fl, x, w_, u, b):
        return stack_unit(fl, x, w_ - 6, u["role"], u["p"], u["label"], "below", line,
                          u["p"].name, sp, ["above", "on", "through"], b)
    rows_side_by_side(fl, rows, w, gap, draw)


def L_stamp(fl, mt, rng, order):
    """Labels above solid lines, with an official's stamp beside one signature."""
    line = rng.choice(["solid", "dotted"])
    sp = rng.uniform(14, 18)
    w = rng.uniform(65, 80)
    heading(fl, "Underskrifter")
    target = rng.randrange(len(order))
    for i, (role, p) in enumerate(order):
        fl.ensure(unit_height(fl, "above", sp))
        b = []
        y_before = fl.y
        fl.y = stack_unit(fl, fl.left, w, role, p, ROLE_LABEL[role], "above", line, p.name, sp,
                          ["above", "on", "through"], b) + 3
        fl.page.truth.append(b)
        if i == target:
            kind = rng.choice(["justerat", "diarie", "utdrag"])
            lines = stamp_lines(kind, mt)
            x = fl.left + w + rng.uniform(2, 10)
            fl.page.stamps.append(dict(x=x, y=y_before + rng.uniform(2, 6), lines=lines,
                                       kind=kind))
            fl.page.truth.append(lines)


def stamp_lines(kind, mt):
    if kind == "justerat":
        return ["JUSTERAT", mt.justering.isoformat(), mt.org.upper()]
    if kind == "diarie":
        return [mt.org.upper(), mt.organ, f"{mt.justering.year} -{mt.justering.month:02d}- "
                f"{mt.justering.day:02d}", f"Dnr {mt.dnr or mt.year} ........"]
    return ["Rätt utdraget intygar", mt.org, mt.justering.isoformat()]


def L_anslag_bevis(fl, mt, rng, order):
    """Labels beside dotted lines, then the ANSLAG/BEVIS table whose 'Underskrift' the
    secretary signs again."""
    L_label_beside(fl, mt, rng, order, with_paragraphs=rng.random() < 0.5)
    anslag(fl, mt, rng, signed_by=mt.secretary)


def anslag(fl, mt, rng, signed_by=None):
    mt.notice_drawn = True
    pg = fl.page
    lh = pg.lh()
    rows = [("Organ", mt.organ), ("Sammanträdesdatum", mt.date.isoformat()),
            ("Datum då anslaget sätts upp", mt.posted.isoformat()),
            ("Datum då anslaget tas ned", mt.taken_down.isoformat())]
    sig_h = 20 if signed_by else 0
    h = lh * 5 + 8 * (len(rows) + 2) + sig_h
    fl.ensure(h)
    pg = fl.page
    fl.gap(6)
    title = rng.choice(["ANSLAG/BEVIS", "BEVIS", "ANSLAG / BEVIS"])
    fl.para(title, bold=True)
    fl.para("Protokollet är justerat. Justeringen har tillkännagivits genom anslag.")
    small = fl.style["pt"] - 1.5
    x0, x1 = fl.left, fl.right
    xm = x0 + max(pg.width("Förvaringsplats för protokollet", pt=small),
                  pg.width("Datum då anslaget sätts upp")) + 5
    rh = 8
    y = fl.y
    block = []
    for lab, val in rows:
        pg.rect(x0, y, x1, y + rh)
        pg.draw.line((mm(xm), mm(y), mm(xm), mm(y + rh)), fill=PRINT, width=2)
        pg.text(x0 + 2, y + rh - 2.5, lab)
        pg.text(xm + 2, y + rh - 2.5, val)
        block.append(f"{lab} {val}")
        y += rh
    pg.rect(x0, y, x1, y + rh)
    pg.draw.line((mm(xm), mm(y), mm(xm), mm(y + rh)), fill=PRINT, width=2)
    pg.text(x0 + 2, y + rh - 2.5, "Förvaringsplats för protokollet", pt=small)
    pg.text(xm + 2, y + rh - 2.5, mt.storage)
    block.append(f"Förvaringsplats för protokollet {mt.storage}")
    y += rh
    if signed_by:
        pg.rect(x0, y, x1, y + sig_h)
        pg.draw.line((mm(xm), mm(y), mm(xm), mm(y + sig_h)), fill=PRINT, width=2)
        pg.text(x0 + 2, y + lh, "Underskrift")
        line_y = y + sig_h - lh * 1.4
        pg.hline(xm + 3, xm + 75, line_y, "dotted")
        pg.text(xm + 3, y + sig_h - 2, signed_by.name)
        slot(pg, "secretary", signed_by, xm + 3, xm + 75, y + 1, line_y + 1, line_y,
             y + sig_h - 2 - lh * 0.72, y + sig_h - 1.5, ["above", "on"], kind="bevis")
        block += ["Underskrift", signed_by.name]
        y += sig_h
    pg.truth.append(block)
    fl.y = y + 4


def L_justerandes_signatur(fl, mt, rng, order):
    """'Underskrifter': the secretary and the chair above dashed lines, the adjusters under
    'Justerandes signatur'; the adjusters' initials in boxes at every page's foot."""
    line = rng.choice(["dashed", "solid", "dotted"])
    sp = rng.uniform(12, 16)
    w = rng.uniform(70, 85)
    heading(fl, "Underskrifter")
    for role, p in order:
        fl.ensure(unit_height(fl, "above", sp))
        b = []
        label = "Justerandes signatur" if role == "adjuster" else ROLE_LABEL[role]
        fl.y = stack_unit(fl, fl.left, w, role, p, label, "above", line, p.name, sp,
                          ["above", "on", "through", "over-name"], b) + 3
        fl.page.truth.append(b)


LAYOUTS = {
    "vid-protokollet": (L_vid_protokollet, "Vid protokollet / Justeras, dotted lines, 'Name, ordförande'"),
    "label-above": (L_label_above, "Sekreterare/Ordförande/Justerare above a solid line, name below"),
    "label-beside": (L_label_beside, "label beside a dotted line, name under it, 'Paragrafer §§'"),
    "label-inline": (L_label_inline, "'Sekreterare: Name' then a dotted or dashed line (000-scanned)"),
    "two-columns": (L_two_columns, "secretary alone, chair and adjuster side by side"),
    "three-columns": (L_three_columns, "Sekreterare | Ordförande | Justerare side by side"),
    "table-cells": (L_table_cells, "bordered table: label cell, cell with ink above the name (004-scanned)"),
    "table-grid": (L_table_grid, "grid: header row of labels, a cell per signer"),
    "no-line": (L_no_line, "label, ink, name; no line"),
    "name-comma-role": (L_name_comma_role, "no labels: 'Name, ordförande' under the line"),
    "label-below": (L_label_below, "'Ordförande ... Justerande': line, name, role under it"),
    "stamp": (L_stamp, "labels above lines, an official's stamp beside one signature"),
    "anslag-bevis": (L_anslag_bevis, "label beside the line, then the ANSLAG/BEVIS table with 'Underskrift'"),
    "justerandes-signatur": (L_justerandes_signatur, "'Justerandes signatur' and initials boxes in the page foot"),
}


# --------------------------------------------------------------------------------------------
# Typesetting a whole protocol

def page_one(fl, mt, rng):
    st = fl.style
    date_iso = mt.date.isoformat()
    t = f"{mt.start.hour:02d}.{mt.start.minute:02d}–{mt.end.hour:02d}.{mt.end.minute:02d}"
    if st["meta"] == "table":
        fl.para(mt.organ, bold=True, pt=st["pt"] + 4)
        lab_w = fl.page.width("Justeringens plats och tid", bold=True) + 5
        if rng.random() < 0.5:
            fl.labelled("Plats och tid", [f"{mt.place}, kl. {t}"], lab_w)
        else:
            fl.labelled("Tid och plats", [f"{long_date(mt.date, True)} kl. {t}", mt.place], lab_w)
    else:
        fl.para(f"Protokoll {mt.organ.lower() if mt.organ != 'Styrelsen' else 'styrelsen'} "
                f"{mt.org}", bold=True, pt=st["pt"] + 4)
        fl.para(f"Plats: {mt.place}")
        fl.para(f"Tid: {date_iso} kl. {t}")
        lab_w = 0
    members = []
    for p in mt.beslutande:
        s = p.name + (f" ({p.party})" if p.party else "")
        if p.affiliation:
            s += f", {p.affiliation}"
        if p.role == "chair":
            s += ", ordförande"
        elif p.role == "vice_chair":
            s += f", {p.title}"
        elif p.replaces:
            s += f", ersättare för {p.replaces}"
        members.append(s)
    others = []
    if mt.secretary_listed:
        others.append(f"{mt.secretary.name}, sekreterare")
    others += [f"{p.name}, {p.title}" for p in mt.ovriga]
    rng.shuffle(others)
    if st["meta"] == "table":
        fl.labelled(rng.choice(["Beslutande", "Beslutande ledamöter"]), members, lab_w)
        if mt.ersattare:
            fl.labelled("Ersättare", [f"{p.name} ({p.party})" for p in mt.ersattare], lab_w)
        fl.labelled("Övriga deltagare", others, lab_w)
        adj = " och ".join(f"{a.name} ({a.party})" if a.party else a.name for a in mt.adjusters)
        fl.labelled("Utses att justera", [adj], lab_w)
        jt = rng.choice([f"{mt.justering_place}, {mt.justering.isoformat()}",
                         f"{mt.justering_place} {long_date(mt.justering, True)}"])
        fl.labelled("Justeringens plats och tid", [jt], lab_w)
    else:
        fl.para("Närvarande:")
        b = []
        for m in members:
            fl.para(m, block=b)
            fl.y -= fl.page.lh() * 0.45
        fl.page.truth.append(b)
        fl.gap(2)
        if mt.ersattare:
            fl.para("Ersättare: " + ", ".join(f"{p.name} ({p.party})" for p in mt.ersattare))
        fl.para("Övriga deltagare: " + "; ".join(others))
        fl.para("Utses att justera: " + " och ".join(a.name for a in mt.adjusters))
        fl.para(f"Justeringens plats och tid: {mt.justering_place}, {mt.justering.isoformat()}")
        fl.para(f"Paragrafer {mt.first_par} – {mt.first_par + mt.n_pars - 1}")


def body(fl, mt, rng, pars):
    st = fl.style
    for num, title, dnr, lines in pars:
        fl.ensure(fl.page.lh() * 5)
        fl.gap(3)
        fl.para(f"§ {num} {title}", bold=True, pt=st["pt"] + 1)
        if dnr:
            fl.para(dnr, pt=st["pt"] - 1)
        if len(lines) > 1:
            fl.para(lines[0])
            fl.para("Beslut", bold=True)
        fl.para(lines[-1])


def typeset(mt, rng, layout):
    style = dict(
        family=rng.choice(["sans", "serif", "condensed", "sans"]),
        pt=rng.choice([10, 10.5, 11, 11, 11.5, 12]),
        left=rng.uniform(20, 27), right=rng.uniform(15, 22), top=rng.uniform(10, 16),
        header=rng.choice(["table", "table", "simple"]),
        caps=rng.random() < 0.5,
        meta=rng.choice(["table", "table", "table", "list"]),
        footer=layout == "justerandes-signatur" or rng.random() < 0.2,
        bold_labels=rng.random() < 0.6,
        unit_gap=rng.uniform(3, 6),
    )
    style["footer_chair"] = rng.random() < 0.4
    want_pages = mt.want_pages
    where = "front" if layout == "anslag-bevis" else rng.choice(["front", "end"])
    n_pars = {1: 2, 2: rng.randint(3, 6), 3: rng.randint(7, 10)}[want_pages]
    while True:
        mt.notice_drawn = False
        r2 = random.Random(rng.random())
        pars = paragraphs(r2, mt, n_pars)
        mt.n_pars = len(pars)
        fl = Flow(mt, style, r2)
        page_one(fl, mt, r2)
        order = mt.signers()
        layout_fn = LAYOUTS[layout][0]

        def draw(fl, mt, r, order):
            """The block on one page: measured on a scratch page with the same random draws."""
            probe = random.Random()
            probe.setstate(r.getstate())
            scratch = Flow(mt, style, probe)
            y0 = scratch.y
            layout_fn(scratch, mt, probe, order)
            if len(scratch.pages) == 1:
                fl.ensure(scratch.y - y0)
            layout_fn(fl, mt, r, order)
        if where == "front":
            draw(fl, mt, r2, order)
            if r2.random() < 0.25 and layout != "anslag-bevis":
                anslag(fl, mt, r2)
            if want_pages > 1:
                fl.new_page()
            body(fl, mt, r2, pars)
        else:
            body(fl, mt, r2, pars)
            fl.gap(4)
            draw(fl, mt, r2, order)
            if r2.random() < 0.25:
                anslag(fl, mt, r2)
        if len(fl.pages) <= 3 or n_pars <= 2:
            break
        n_pars -= 2
    date_text = mt.date.isoformat()
    draw_headers(fl, mt, date_text)
    return fl


# --------------------------------------------------------------------------------------------
# Ink

def catmull(points, n=10):
    pts = np.asarray(points, float)
    if len(pts) < 2:
        return pts
    p = np.vstack([pts[0], pts, pts[-1]])
    out = []
    t = np.linspace(0, 1, n, endpoint=False)[:, None]
    for i in range(1, len(p) - 2):
        p0, p1, p2, p3 = p[i - 1], p[i], p[i + 1], p[i + 2]
        out.append(0.5 * ((2 * p1) + (-p0 + p2) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t ** 2
                          + (-p0 + 3 * p1 - 3 * p2 + p3) * t ** 3))
    out.append(pts[-1:])
    return np.vstack(out)


# letter shapes after the pen point at the baseline, in x-heights: (dx, dy), dy up negative
SHAPES = {
    "arch": [(0.15, -1.0), (0.55, -0.95), (0.8, 0.0)],
    "garland": [(0.2, -0.1), (0.5, -1.0), (0.45, -0.2), (0.85, 0.0)],
    "loop": [(0.35, -1.6), (0.45, -2.7), (0.2, -2.4), (0.3, -0.4), (0.6, 0.0)],
    "desc": [(0.35, -1.0), (0.4, 0.5), (0.35, 1.6), (0.1, 1.3), (0.55, 0.0)],
    "o": [(0.35, -1.0), (0.05, -0.6), (0.25, 0.0), (0.5, -0.9), (0.75, -0.2)],
    "e": [(0.45, -0.6), (0.35, -0.95), (0.15, -0.45), (0.35, 0.0), (0.7, -0.1)],
    "flat": [(0.5, -0.35), (0.9, -0.1)],
}


def shape_of(ch):
    c = fold(ch)
    if c in "bdfhklt":
        return "loop"
    if c in "gjpqyz":
        return "desc"
    if c in "aoc":
        return "o"
    if c in "e":
        return "e"
    if c in "mnrvwx":
        return "arch"
    return "garland"


def signature_strokes(rng, name, initials=False):
    """Strokes (lists of (x, y, pressure)) in x-height units, y down, baseline at 0."""
    words = [name.split()[0], name.split()[-1]] if not initials else [w[0] for w in name.split()][:2]
    strokes = []
    x = 0.0
    sloppiness = rng.uniform(0.2, 0.8)
    for wi, w in enumerate(words):
        pts = [(x, 0.2)]
        # the capital: up high, a loop or a hook, down to the baseline
        h = rng.uniform(2.2, 3.4)
        kind = rng.random()
        if kind < 0.4:    # a loop
            pts += [(x + 0.3, -h), (x - 0.4, -h * 0.7), (x + 0.6, -h * 0.45), (x + 1.1, -0.1)]
            x += 1.1
        elif kind < 0.7:  # an upright with a bowl
            pts += [(x + 0.2, -h), (x + 0.3, 0.1), (x + 0.2, -h * 0.9), (x + 1.2, -h * 0.6),
                    (x + 0.4, -h * 0.35), (x + 1.3, 0.0)]
            x += 1.3
        else:             # a big hook
            pts += [(x - 0.3, -h * 0.5), (x + 0.5, -h), (x + 0.8, -h * 0.3), (x + 0.5, 0.2),
                    (x + 1.0, -0.3)]
            x += 1.0
        letters = w[1:] if not initials else ""
        keep = max(1, int(len(letters) * rng.uniform(0.5, 1.0)))
        for ch in letters[:keep]:
            shp = SHAPES[shape_of(ch) if rng.random() > sloppiness * 0.5 else rng.choice(list(SHAPES))]
            amp = rng.uniform(0.7, 1.25)
            squash = rng.uniform(0.6, 1.1) * (1 - 0.3 * sloppiness)
            for dx, dy in shp:
                pts.append((x + dx * squash, dy * amp + rng.gauss(0, 0.08)))
            x += shp[-1][0] * squash
        if initials and wi == 0:
            pts.append((x + 0.4, -0.2))
            x += 0.6
        strokes.append(pts)
        x += rng.uniform(0.5, 1.3) if wi == 0 else 0
        if rng.random() < 0.3 and wi == 0 and not initials:
            # first and last name in one go
            strokes[-1] = strokes[-1] + [(x - 0.3, -0.3)]
    if not initials and rng.random() < 0.45:   # a flourish under it
        y = rng.uniform(0.6, 1.3)
        strokes[-1] = strokes[-1] + [(x + 0.3, 0.0), (x + 0.6, y * 0.6), (x * 0.55, y),
                                     (x * rng.uniform(0.0, 0.3), y * 1.1)]
    stretch = rng.uniform(1.2, 1.9)
    out = []
    for s in strokes:
        c = catmull(s, 12)
        c[:, 0] *= stretch
        n = len(c)
        # pressure: a slow random walk, light at the start and the end of each stroke
        walk = np.cumsum(np.array([rng.gauss(0, 0.08) for _ in range(n)]))
        walk = np.convolve(walk, np.ones(15) / 15, mode="same")
        pr = np.clip(0.85 + walk - walk.mean(), 0.45, 1.35)
        ramp = np.minimum(1, np.minimum(np.arange(n) + 3, n - np.arange(n) + 2) / 8)
        pr = pr * (0.35 + 0.65 * ramp)
        out.append(np.column_stack([c, pr]))
    return out


INK_COLOURS = {"blue": [(24, 44, 140), (30, 62, 172), (18, 30, 108), (40, 70, 190)],
               "black": [(22, 22, 28), (38, 38, 48), (30, 28, 34)]}


def render_ink(rng, strokes, w_px, h_px, colour, pen_px, slant, rot):
    """An RGBA patch (w_px x h_px) with the strokes fitted into it."""
    allp = np.vstack([s[:, :2] for s in strokes])
    # slant (shear) and rotation
    sh = math.tan(math.radians(slant))
    def tf(p):
        q = p.copy()
        q[:, 0] = p[:, 0] - p[:, 1] * sh
        c, s = math.cos(math.radians(rot)), math.sin(math.radians(rot))
        return np.column_stack([q[:, 0] * c - q[:, 1] * s, q[:, 0] * s + q[:, 1] * c])
    t_all = tf(allp)
    lo, hi = t_all.min(0), t_all.max(0)
    span = np.maximum(hi - lo, 1e-6)
    ss = 3
    pad = pen_px * 2
    scale = min((w_px - 2 * pad) / span[0], (h_px - 2 * pad) / span[1])
    W, H = int(w_px * ss), int(h_px * ss)
    layer = Image.new("L", (W, H), 0)
    d = ImageDraw.Draw(layer)
    off = np.array([(w_px - span[0] * scale) / 2, (h_px - span[1] * scale) / 2])
    for s in strokes:
        q = (tf(s[:, :2]) - lo) * scale + off
        q = q * ss
        pr = s[:, 2]
        for i in range(len(q) - 1):
            wdt = max(1.0, pen_px * ss * pr[i])
            d.line((q[i, 0], q[i, 1], q[i + 1, 0], q[i + 1, 1]), fill=255, width=int(round(wdt)))
            r = wdt / 2
            d.ellipse((q[i, 0] - r, q[i, 1] - r, q[i, 0] + r, q[i, 1] + r), fill=255)
    alpha = layer.resize((int(w_px), int(h_px)), Image.LANCZOS)
    a = np.asarray(alpha, np.float32) / 255
    # a ballpoint is uneven: lighter patches
    patch = np.asarray(Image.fromarray((np.random.default_rng(rng.randrange(1 << 30))
                                        .random((max(2, int(h_px) // 24), max(2, int(w_px) // 24)))
                                        * 255).astype(np.uint8)).resize((int(w_px), int(h_px)),
                                                                        Image.BILINEAR), np.float32) / 255
    a = a * (rng.uniform(0.82, 1.0) - 0.25 * patch * rng.uniform(0, 1))
    return a, colour


def place_ink(pages, rng, signed, colour_name):
    """Draws ink into the slots of the people in `signed`; returns a log of what went where."""
    log = []
    colour = rng.choice(INK_COLOURS[colour_name])
    for pno, page in enumerate(pages, 1):
        layers = []
        for s in page.slots:
            if s["kind"] == "initials":
                p = s["person"]
                if not any(p is q for _, q in signed):
                    continue
                strokes = signature_strokes(rng, p.name, initials=True)
                w, h = mm(s["x1"] - s["x0"]) * rng.uniform(0.5, 0.9), mm(s["bottom"] - s["top"]) * rng.uniform(0.5, 0.85)
                x = mm(s["x0"]) + rng.uniform(0, mm(s["x1"] - s["x0"]) - w)
                y = mm(s["top"]) + rng.uniform(0, mm(s["bottom"] - s["top"]) - h)
                a, c = render_ink(rng, strokes, w, h, colour, mm(rng.uniform(0.35, 0.55)),
                                  rng.uniform(5, 25), rng.uniform(-6, 6))
                layers.append((x, y, a, c))
                continue
            if not any(p is s["person"] for _, p in signed):
                continue
            mode = rng.choice(s["modes"])
            if s["line"] is None and mode in ("on", "through"):
                mode = "above"
            if s["name_top"] is None and mode == "over-name":
                mode = "above"
            avail_w = s["x1"] - s["x0"]
            w = min(avail_w * rng.uniform(0.55, 0.95), rng.uniform(32, 60))
            h = rng.uniform(8, 15)
            ref = s["line"] if s["line"] is not None else s["name_top"] - 0.8
            if mode == "above":
                bottom = ref - rng.uniform(0.3, 2.0)
            elif mode == "on":
                bottom = ref + h * rng.uniform(0.15, 0.3)
            elif mode == "through":
                bottom = ref + h * rng.uniform(0.35, 0.5)
            else:   # over the printed name: its lower loops cross the name's upper half
                nh = s["name_bottom"] - s["name_top"]
                bottom = s["name_top"] + nh * rng.uniform(0.3, 0.75)
            top = bottom - h
            if top < s["top"]:
                top = s["top"]
                h = bottom - top
            if h < 6:
                h, top = 6, bottom - 6
            x0 = s["x0"] + rng.uniform(0, max(0.1, avail_w - w)) * rng.uniform(0.2, 1)
            strokes = signature_strokes(rng, s["person"].name)
            a, c = render_ink(rng, strokes, mm(w), mm(h), colour, mm(rng.uniform(0.35, 0.7)),
                              rng.uniform(-5, 30), rng.uniform(-5, 5))
            layers.append((mm(x0), mm(top), a, c))
            log.append(dict(page=pno, person=s["person"].name, slot=s["kind"], role=s["role"],
                            mode=mode, box_mm=[round(x0, 1), round(top, 1), round(x0 + w, 1),
                                               round(top + h, 1)]))
        for st in page.stamps:
            layers.append(render_stamp(rng, st, page))
        if layers:
            arr = np.asarray(page.img, np.float32)
            for x, y, a, c in layers:
                x, y = int(round(x)), int(round(y))
                hh, ww = a.shape
                x1, y1 = min(arr.shape[1], x + ww), min(arr.shape[0], y + hh)
                x0c, y0c = max(0, x), max(0, y)
                sub = a[y0c - y:y1 - y, x0c - x:x1 - x, None]
                col = np.array(c, np.float32)[None, None, :] / 255
                region = arr[y0c:y1, x0c:x1]
                arr[y0c:y1, x0c:x1] = region * (1 - sub * (1 - col))
            page.img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    return log


def render_stamp(rng, st, page):
    colour = rng.choice([(178, 34, 52), (120, 40, 130), (40, 56, 160)])
    lines = st["lines"]
    f = font(FAMILIES["sans"][1], 8.5)
    lw = max(f.getlength(s) for s in lines)
    lh = mm(4.2)
    pad = mm(2)
    W, H = int(lw + 2 * pad), int(lh * len(lines) + 2 * pad)
    im = Image.new("L", (W + 40, H + 40), 0)
    d = ImageDraw.Draw(im)
    d.rectangle((20, 20, 20 + W, 20 + H), outline=255, width=int(mm(0.45)))
    if st["kind"] == "justerat":
        d.rectangle((20 + mm(0.9), 20 + mm(0.9), 20 + W - mm(0.9), 20 + H - mm(0.9)), outline=255,
                    width=int(mm(0.25)))
    for i, s in enumerate(lines):
        d.text((20 + W / 2, 20 + pad + lh * (i + 0.75)), s, font=f, fill=255, anchor="ms")
    im = im.rotate(rng.uniform(-9, 9), resample=Image.BICUBIC, expand=True)
    a = np.asarray(im, np.float32) / 255
    mott = np.asarray(Image.fromarray((np.random.default_rng(rng.randrange(1 << 30))
                                       .random((max(2, a.shape[0] // 30), max(2, a.shape[1] // 30)))
                                       * 255).astype(np.uint8)).resize((a.shape[1], a.shape[0]),
                                                                       Image.BILINEAR), np.float32) / 255
    a = a * (0.55 + 0.4 * mott) * rng.uniform(0.7, 0.95)
    return (mm(st["x"]), mm(st["y"]), a, colour)


# --------------------------------------------------------------------------------------------
# Scanning

def smooth_field(rng, h, w, cells=6):
    f = np.random.default_rng(rng.randrange(1 << 30)).random((cells, cells))
    im = Image.fromarray((f * 255).astype(np.uint8)).resize((w, h), Image.BICUBIC)
    return np.asarray(im, np.float32) / 255


def scan(img, rng, p):
    """A 300-dpi RGB page as a scanner gives it at p['dpi']: skewed, blurred, unevenly lit,
    noisy, with dust. Returns an RGB uint8 array."""
    paper = np.array(p["paper"], np.float32)
    im = img.rotate(p["skew"], resample=Image.BICUBIC, expand=False, fillcolor=(255, 255, 255),
                    translate=(rng.uniform(-15, 15), rng.uniform(-15, 15)))
    if p["dpi"] != RENDER_DPI:
        w = round(PAGE_MM[0] / 25.4 * p["dpi"])
        h = round(PAGE_MM[1] / 25.4 * p["dpi"])
        im = im.resize((w, h), Image.LANCZOS)
    im = im.filter(ImageFilter.GaussianBlur(p["blur"] * p["dpi"] / RENDER_DPI))
    a = np.asarray(im, np.float32) / 255
    h, w = a.shape[:2]
    # paper tone and the uneven light of the lamp
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    th = math.radians(p["light_dir"])
    ramp = ((xx / w - 0.5) * math.cos(th) + (yy / h - 0.5) * math.sin(th))
    light = 1 - p["light"] * (ramp + 0.5) - p["blotch"] * smooth_field(rng, h, w)
    light = np.clip(light, 0.6, 1)[..., None]
    a = a * (paper / 255)[None, None, :] * light
    # a dark rim where the lid did not cover
    if p["rim"]:
        rim_w = int(w * rng.uniform(0.004, 0.012))
        side = rng.choice(["left", "right", "top"])
        if side == "left":
            a[:, :rim_w] *= 0.25
        elif side == "right":
            a[:, -rim_w:] *= 0.25
        else:
            a[:rim_w] *= 0.25
    a = p["black"] / 255 + a * (1 - p["black"] / 255)
    g = np.random.default_rng(rng.randrange(1 << 30))
    a = a + g.normal(0, p["noise"] / 255, a.shape[:2])[..., None]
    # dust and specks
    n = p["specks"]
    ys, xs = g.integers(0, h, n), g.integers(0, w, n)
    r = g.integers(1, max(2, p["dpi"] // 150 + 1), n)
    dark = 0.2 + g.random(n) * 0.6
    for y, x, rr, dk in zip(ys, xs, r, dark):
        a[max(0, y - rr + 1):y + rr, max(0, x - rr + 1):x + rr] = dk
    return np.clip(a * 255, 0, 255).astype(np.uint8)


def encode(arr, p):
    """(width, height, dict entries, data) of the image XObject for an RGB page array."""
    h, w = arr.shape[:2]
    grey = (arr[..., 0] * 0.299 + arr[..., 1] * 0.587 + arr[..., 2] * 0.114).astype(np.uint8)
    enc = p["encoding"]
    if enc == "jpeg-grey":
        b = io.BytesIO()
        Image.fromarray(grey, "L").save(b, "JPEG", quality=p["quality"], dpi=(p["dpi"],) * 2)
        return w, h, "/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode", b.getvalue()
    if enc == "jpeg-colour":
        b = io.BytesIO()
        Image.fromarray(arr, "RGB").save(b, "JPEG", quality=p["quality"], dpi=(p["dpi"],) * 2)
        return w, h, "/ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode", b.getvalue()
    if enc == "flate-grey":
        if p["predictor"]:
            up = np.empty((h, w + 1), np.uint8)
            up[:, 0] = 2    # PNG 'Up'
            up[0, 1:] = grey[0]
            up[1:, 1:] = (grey[1:].astype(np.int16) - grey[:-1]).astype(np.uint8)
            data = zlib.compress(up.tobytes(), 6)
            return w, h, ("/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode "
                          f"/DecodeParms << /Predictor 15 /Colors 1 /BitsPerComponent 8 /Columns {w} >>"), data
        return w, h, "/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode", \
            zlib.compress(grey.tobytes(), 6)
    # CCITT G4: a scanner's bitonal mode, threshold against the local background
    small = Image.fromarray(grey).resize((max(1, w // 24), max(1, h // 24)), Image.BOX)
    bg = np.asarray(small.filter(ImageFilter.MaxFilter(5)).filter(ImageFilter.GaussianBlur(2))
                    .resize((w, h), Image.BILINEAR), np.float32)
    ink = grey.astype(np.float32) < bg * p["threshold"]
    # Pillow's libtiff writes MinIsBlack and codes 1 bits as the fax 'black' runs, so hand it
    # the ink as 1: the stream then decodes with the PDF default /BlackIs1 false.
    bit = Image.fromarray((ink * 255).astype(np.uint8), "L").convert("1", dither=Image.Dither.NONE)
    b = io.BytesIO()
    bit.save(b, "TIFF", compression="group4", tiffinfo={278: h})
    t = Image.open(io.BytesIO(b.getvalue()))
    offs, counts = t.tag_v2[273], t.tag_v2[279]
    assert len(offs) == 1, "one strip"
    raw = b.getvalue()[offs[0]:offs[0] + counts[0]]
    return w, h, ("/ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /CCITTFaxDecode "
                  f"/DecodeParms << /K -1 /Columns {w} /Rows {h} /BlackIs1 false >>"), raw


def write_pdf(path, images, producer):
    """A minimal PDF: one page per image, the image over the whole A4 page."""
    objs = []

    def add(b):
        objs.append(b)
        return len(objs)

    catalog = add(None)
    pages = add(None)
    kids = []
    for w, h, dict_entries, data in images:
        img = add(f"<< /Type /XObject /Subtype /Image /Width {w} /Height {h} {dict_entries} "
                  f"/Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream")
        content = f"q {PAGE_PT[0]} 0 0 {PAGE_PT[1]} 0 0 cm /Im0 Do Q".encode()
        c = add(f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"\nendstream")
        kids.append(add(f"<< /Type /Page /Parent {pages} 0 R /MediaBox [0 0 {PAGE_PT[0]} {PAGE_PT[1]}] "
                        f"/Resources << /XObject << /Im0 {img} 0 R >> >> /Contents {c} 0 R >>".encode()))
    objs[catalog - 1] = f"<< /Type /Catalog /Pages {pages} 0 R >>".encode()
    objs[pages - 1] = (f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] "
                       f"/Count {len(kids)} >>").encode()
    info = add(f"<< /Producer ({producer}) >>".encode())
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + o + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    for o in offsets:
        out += f"{o:010d} 00000 n \n".encode()
    out += (f"trailer\n<< /Size {len(objs) + 1} /Root {catalog} 0 R /Info {info} 0 R >>\n"
            f"startxref\n{xref}\n%%EOF\n").encode()
    Path(path).write_bytes(bytes(out))


# --------------------------------------------------------------------------------------------
# Cases

def set_notice_fault(mt, rng):
    """Half of the notices break a rule of Kommunallagen: posted after the second workday
    after justering, or taken down before the three-week appeal period has run. Returns the
    finding the minutes then deserve, if their notice is printed."""
    fault = rng.choice([None, None, "notice.posted_late", "notice.period_too_short"])
    if fault == "notice.posted_late":
        mt.posted = add_workdays(mt.justering, rng.randint(4, 8))
        mt.taken_down = add_workdays(next_workday(mt.posted + dt.timedelta(21)), rng.randint(0, 2))
    elif fault == "notice.period_too_short":
        mt.taken_down = mt.posted + dt.timedelta(rng.randint(10, 17))
    return fault


def scan_params(rng, encoding):
    dpi = rng.choice([200, 300, 300]) if encoding == "ccitt-g4" else rng.choice([150, 200, 200, 300, 300])
    paper = rng.uniform(228, 252)
    return dict(
        dpi=dpi, encoding=encoding, skew=round(rng.uniform(-2, 2), 2),
        blur=rng.uniform(0.4, 1.3), light=rng.uniform(0.0, 0.12), light_dir=rng.uniform(0, 360),
        blotch=rng.uniform(0.0, 0.06), black=rng.uniform(8, 30), noise=rng.uniform(2, 7),
        specks=rng.randint(5, 150), rim=rng.random() < 0.3,
        paper=(paper, paper - rng.uniform(0, 3), paper - rng.uniform(0, 8)),
        quality=rng.randint(55, 90), predictor=rng.random() < 0.5,
        threshold=rng.uniform(0.55, 0.68),
    )


def make_case(out_dir, seed, rnd, li, layout, variant):
    vi = VARIANTS.index(variant)
    num = rnd * len(LAYOUTS) * len(VARIANTS) + li * len(VARIANTS) + vi
    name = f"{num:03d}-{layout}-{variant}"
    # the minutes (content and layout) are the same for a layout's three variants; ink and
    # scan differ per variant
    doc_rng = random.Random(f"scangen:{seed}:{rnd}:{layout}")
    ink_rng = random.Random(f"scangen:{seed}:{rnd}:{layout}:{variant}:ink")
    scan_rng = random.Random(f"scangen:{seed}:{rnd}:{layout}:{variant}:scan")
    mt = Minutes(doc_rng)
    # a notice that breaks the rules, in its own stream so the rest of the case stays as it was
    notice_fault = set_notice_fault(mt, random.Random(f"scangen:{seed}:{rnd}:{layout}:notice"))
    fl = typeset(mt, doc_rng, layout)
    notice_fault = notice_fault if mt.notice_drawn else None
    order = []
    for page in fl.pages:
        for s in page.slots:
            if s["kind"] == "signature" and all(s["person"] is not p for _, p in order):
                order.append((s["role"], s["person"]))
    if variant == "signed":
        signed = order
        missing = []
    elif variant == "missing":
        weights = [{"secretary": 0.25, "chair": 0.3, "adjuster": 0.45 / len(mt.adjusters)}[r]
                   for r, _ in order]
        gone = ink_rng.choices(range(len(order)), weights)[0]
        signed = [o for i, o in enumerate(order) if i != gone]
        missing = [order[gone]]
    else:
        signed, missing = [], order
    colour = ink_rng.choice(["blue", "blue", "black"])
    log = place_ink(fl.pages, ink_rng, signed, colour)
    enc = ENCODINGS[(li + vi + rnd) % len(ENCODINGS)]
    sp = scan_params(scan_rng, enc)
    images = []
    for page in fl.pages:
        arr = scan(page.img, scan_rng, sp)
        images.append(encode(arr, sp))
    d = out_dir / name
    d.mkdir(parents=True, exist_ok=True)
    write_pdf(d / "document.pdf", images, "make-scanned-minutes.py")
    truth = "\n\n".join("\n\n".join("\n".join(b) for b in page.truth if b) for page in fl.pages)
    (d / "truth.txt").write_text(truth + "\n", encoding="utf-8")
    findings = []
    if missing:
        findings.append("role.missing_signature")
    if signed:
        findings.append("signature.unverifiable")
    findings.append("document.ocr_used")
    if notice_fault:
        findings.append(notice_fault)
    status = "failed" if missing else "warnings"
    notes = [f"Generated by scripts/make-scanned-minutes.py --seed {seed}: layout {layout} "
             f"({LAYOUTS[layout][1]}), variant {variant}.",
             "Pen-signed (or not) and scanned, image only. Handwritten signatures carry no time: "
             "signatures[] lists them in the order the signature block gives (time null); the "
             f"justering date {mt.justering.isoformat()} is within 14 days of the meeting.",
             ]
    if notice_fault == "notice.posted_late":
        notes.append(f"The notice went up on {mt.posted.isoformat()}, later than the second "
                     f"workday after justering ({mt.justering.isoformat()}): notice.posted_late.")
    elif notice_fault == "notice.period_too_short":
        notes.append(f"The notice was up from {mt.posted.isoformat()} to "
                     f"{mt.taken_down.isoformat()}, less than three weeks: "
                     "notice.period_too_short.")
    if variant == "missing":
        r, p = missing[0]
        notes.append(f"The designated {r} {p.name} has no ink on the scan: role.missing_signature.")
    if variant == "noink":
        notes.append("Printed and scanned without any ink: no signing, every designated signer "
                     "is missing (like 002-unsigned-draft), so failed, not unsigned.")
    exp = {
        "kind": "protocol",
        "language": "sv",
        "signing_mode": "scanned",
        "meeting": {"organ": mt.organ_full, "date": mt.date.isoformat(),
                    "start": mt.start.strftime("%H:%M"), "end": mt.end.strftime("%H:%M"),
                    "place": mt.place},
        "participants": mt.participants(),
        "designated": {"chair": [mt.chair.name], "secretary": [mt.secretary.name],
                       "adjusters": [a.name for a in mt.adjusters]},
        "signatures": [{"name": p.name, "role": r, "time": None, "source": "text"} for r, p in signed],
        "status": status,
        "findings": findings,
        "notes": notes,
        "generator": {"layout": layout, "variant": variant, "seed": seed, "pages": len(fl.pages),
                      "ink_colour": colour if signed else None, "ink": log,
                      "notice": {"posted": mt.posted.isoformat(),
                                 "taken_down": mt.taken_down.isoformat(),
                                 "printed": mt.notice_drawn, "fault": notice_fault},
                      "missing": [{"role": r, "name": p.name} for r, p in missing] if variant == "missing" else [],
                      "scan": {k: (round(v, 3) if isinstance(v, float) else v) for k, v in sp.items()
                               if k not in ("paper",)}},
    }
    (d / "expected.json").write_text(json.dumps(exp, ensure_ascii=False, indent=2) + "\n",
                                     encoding="utf-8")
    return name, exp


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, help="output directory (one folder per case)")
    ap.add_argument("--seed", type=int, default=23)
    ap.add_argument("--count", type=int, help="number of cases (default: every layout in every "
                    "variant once); more than that goes round again with new minutes")
    ap.add_argument("--layouts", help="comma-separated layouts (default: all; see --list)")
    ap.add_argument("--variants", default=",".join(VARIANTS), help="comma-separated, of "
                    + ", ".join(VARIANTS))
    ap.add_argument("--jobs", type=int, default=1, help="cases made in parallel")
    ap.add_argument("--list", action="store_true", help="list the layouts and exit")
    a = ap.parse_args()
    if a.list:
        for k, (_, desc) in LAYOUTS.items():
            print(f"{k:22} {desc}")
        return
    if not a.out:
        ap.error("--out is required")
    names = list(LAYOUTS)
    layouts = a.layouts.split(",") if a.layouts else names
    variants = a.variants.split(",")
    for x in layouts:
        if x not in LAYOUTS:
            ap.error(f"unknown layout {x!r}; --list shows them")
    for v in variants:
        if v not in VARIANTS:
            ap.error(f"unknown variant {v!r}")
    per_round = [(names.index(l_), l_, v) for l_ in layouts for v in variants]
    count = a.count or len(per_round)
    a.out.mkdir(parents=True, exist_ok=True)
    jobs = [(a.out, a.seed, i // len(per_round)) + per_round[i % len(per_round)] for i in range(count)]
    if a.jobs > 1:
        import multiprocessing
        with multiprocessing.Pool(a.jobs) as pool:
            for line in pool.imap(run_case, jobs):
                print(line, flush=True)
    else:
        for j in jobs:
            print(run_case(j), flush=True)


def run_case(job):
    name, exp = make_case(*job)
    return (f"{name}: {exp['status']} {','.join(exp['findings'])} "
            f"[{exp['generator']['scan']['encoding']} {exp['generator']['scan']['dpi']} dpi, "
            f"{exp['generator']['pages']} p]")


if __name__ == "__main__":
    main()
