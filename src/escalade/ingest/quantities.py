"""Means and quantities: "more than 300 drones and missiles", "two rockets", "killing three".

A quantity is a count, a canonical unit (drone, cruise_missile, ballistic_missile, missile,
rocket, projectile, munition, aircraft, target, site) and the qualifier the text gives
("more than", "about", ...). Casualties are counts of people killed and injured.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "a dozen": 12,
    "dozen": 12,
    "two dozen": 24,
    "a hundred": 100,
    "hundred": 100,
}
_NUM = (
    r"(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?(?:\s+(?:million|thousand))?|a dozen|two dozen|"
    r"a hundred|dozens|hundreds|scores|" + "|".join(sorted(_WORDS, key=len, reverse=True)) + r")"
)
_QUAL = (
    r"(?P<qual>more than|at least|about|around|some|nearly|almost|over|up to|roughly|"
    r"approximately|fewer than|less than|as many as|an estimated|)\s*"
)
UNITS: dict[str, str] = {
    r"drones?\s+and\s+(?:ballistic\s+|cruise\s+)?missiles": "projectile",
    r"missiles\s+and\s+drones": "projectile",
    r"rockets\s+and\s+(?:drones|missiles)": "projectile",
    r"projectiles": "projectile",
    r"(?:one-way\s+attack\s+|attack\s+|suicide\s+|explosive\s+|armed\s+|shahed\s+|"
    r"kamikaze\s+)?drones?": "drone",
    r"(?:land-attack\s+)?cruise\s+missiles?": "cruise_missile",
    r"(?:short-range\s+|medium-range\s+|long-range\s+|hypersonic\s+)?"
    r"ballistic\s+missiles?": "ballistic_missile",
    r"(?:anti-ship\s+|guided\s+|precision\s+|surface-to-surface\s+)?missiles?": "missile",
    r"(?:katyusha\s+)?rockets?": "rocket",
    r"(?:precision(?:-guided)?\s+)?(?:munitions|bombs?|shells)": "munition",
    r"(?:fighter\s+jets|jets|warplanes|aircraft|planes|fighter\s+aircraft|bombers|"
    r"b-2\s+bombers)": "aircraft",
    r"targets": "target",
    r"(?:sites|facilities|locations|bases)": "site",
}
_UNIT_RE = "|".join(f"(?:{u})" for u in UNITS)
QUANTITY = re.compile(
    rf"(?<![A-Za-z]-)\b{_QUAL}{_NUM}\s+(?:of\s+)?(?:the\s+|its\s+|their\s+|iranian\s+|israeli\s+|american\s+|"
    rf"u\.s\.\s+|houthi\s+|hezbollah\s+|new\s+|small\s+|large\s+)?(?:[a-z]+-[a-z]+\s+)?"
    # a model's name: "59 Tomahawk cruise missiles"
    rf"(?:(?-i:[A-Z][a-z]+)\s+)?"
    rf"(?P<unit>{_UNIT_RE})\b",
    re.I,
)
_UNIT_COMPILED = [(re.compile(rf"^(?:{u})$", re.I), c) for u, c in UNITS.items()]

_PEOPLE = (
    r"(?:people|persons|civilians|soldiers|troops|service\s*members|servicemembers|officers|"
    r"officials|militants|fighters|members|guards|commanders|children|americans|israelis|"
    r"iranians|palestinians|personnel|sailors|crew(?:\s+members)?|contractors?|others)"
)
KILLED = [
    re.compile(
        rf"\b{_QUAL}{_NUM}\s+(?:[a-z\-]+\s+){{0,2}}{_PEOPLE}?\s*(?:were\s+|was\s+|had\s+been\s+)?"
        r"(?:killed|dead|died|slain)\b",
        re.I,
    ),
    re.compile(
        rf"\b(?:killing|killed|kills|death\s+toll\s+(?:rose\s+)?to)\s+{_QUAL}{_NUM}\b", re.I
    ),
]
INJURED = [
    re.compile(
        rf"\b{_QUAL}{_NUM}\s+(?:[a-z\-]+\s+){{0,2}}{_PEOPLE}?\s*(?:were\s+|was\s+)?"
        r"(?:injured|wounded|hurt|diagnosed\s+with\s+(?:traumatic\s+)?brain\s+injuries)\b",
        re.I,
    ),
    re.compile(rf"\b(?:injuring|wounding|injured|wounded)\s+{_QUAL}{_NUM}\b", re.I),
]


@dataclass(frozen=True)
class Quantity:
    count: int
    unit: str
    qualifier: str = ""
    text: str = ""

    def key(self) -> tuple[int, str]:
        return (self.count, self.unit)


def to_number(text: str) -> int | None:
    t = text.lower().strip()
    if t in _WORDS:
        return _WORDS[t]
    if t in ("dozens", "scores"):
        return None
    if t == "hundreds":
        return None
    m = re.match(r"^([\d,]+(?:\.\d+)?)(?:\s+(million|thousand))?$", t)
    if not m:
        return None
    value = float(m.group(1).replace(",", ""))
    scale = {"million": 1_000_000, "thousand": 1_000}.get(m.group(2) or "", 1)
    return int(value * scale)


def canonical_unit(text: str) -> str:
    t = re.sub(r"\s+", " ", text.strip())
    for pattern, unit in _UNIT_COMPILED:
        if pattern.match(t):
            return unit
    return "other"


def find_quantities(sentence: str) -> list[Quantity]:
    out: list[Quantity] = []
    for m in QUANTITY.finditer(sentence):
        n = to_number(m.group("num"))
        if n is None or m.group("num").lower() in ("a", "an"):
            continue  # "a drone strike" names the means, not a count
        if re.match(r"^(19|20)\d\d$", m.group("num")):
            continue  # a year, not a count
        out.append(
            Quantity(n, canonical_unit(m.group("unit")), m.group("qual").lower(), m.group(0))
        )
    return out


_COUNTED = re.compile(rf"\b{_QUAL}{_NUM}\s+(?:[a-z.\-]+\s+){{0,2}}{_PEOPLE}\b", re.I)
_PASSIVE_HURT = re.compile(
    r"\b(?:were|was|had been|have been)\s+(?:killed|injured|wounded|hurt|slain|diagnosed)\b", re.I
)


def _count(patterns: list[re.Pattern[str]], sentence: str) -> int | None:
    for pattern in patterns:
        for m in pattern.finditer(sentence):
            n = to_number(m.group("num"))
            if n is None or re.match(r"^(19|20)\d\d$", m.group("num")):
                continue
            if re.search(r"\bno\s*$", sentence[: m.start("num")], re.I):
                return 0  # "no one was hurt"
            verb = _PASSIVE_HURT.search(sentence, m.start())
            if verb is not None and pattern is patterns[0]:
                # "Four U.S. service members and one contractor were injured": add them up
                clause = sentence[: verb.start()].rsplit(",", 1)[-1]
                counts = [to_number(c.group("num")) for c in _COUNTED.finditer(clause)]
                total = sum(c for c in counts if c is not None)
                return max(total, n)
            return n
    return None


_HURT = re.compile(r"kill|dead|died|slain|death|injur|wound|hurt", re.I)


def find_casualties(sentence: str) -> dict[str, int]:
    out: dict[str, int] = {}
    if not _HURT.search(sentence):
        return out
    killed = _count(KILLED, sentence)
    injured = _count(INJURED, sentence)
    if killed is not None:
        out["killed"] = killed
    if injured is not None:
        out["injured"] = injured
    return out
