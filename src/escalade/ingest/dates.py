"""Dates: find date phrases in a sentence and resolve them against the article's date.

A resolved date is a string at the precision the text gives: ``2024-04-13`` (a day),
``2024-W15`` (an ISO week: "last week"), ``2024-04`` (a month: "in April"), ``2024`` (a year).
Relative phrases ("on Tuesday", "yesterday", "three days ago", "last week", "in April") need
the article's date; without it they stay unresolved (``None``) and the phrase is kept.
Weekdays and months are resolved here (the most recent one on or before the article's date);
day-month phrases and "N days ago" go through dateparser, offline, with English only.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

_MONTH_NAMES = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_MON = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_WD = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_NUMWORD = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|a)"

DATE_PHRASE = re.compile(
    rf"""\b(?:
      (?P<iso>\d{{4}}-\d{{2}}-\d{{2}})
    | (?P<dmy>\d{{1,2}}\s+{_MON}\.?,?\s+\d{{4}})
    | (?P<mdy>{_MON}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})
    | (?P<dm>\d{{1,2}}(?:st|nd|rd|th)?\s+{_MON}\b\.?)
    | (?P<md>{_MON}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b)
    | (?P<wd>(?:(?:early|late)\s+(?:on\s+)?|on\s+|last\s+)?{_WD})
    | (?P<rel>yesterday|today|tonight|last\s+night|the\s+previous\s+day|the\s+day\s+before|
         {_NUMWORD}\s+(?:days?|weeks?|months?)\s+ago|last\s+(?:week|month|year)|
         earlier\s+this\s+(?:week|month)|this\s+week|this\s+month)
    | (?P<mon>(?:in|early|late|mid-|mid|until|by|during)\s+(?:-\s*)?{_MON}\b(?:\s+\d{{4}})?)
    | (?P<year>(?:in|since|during)\s+(?:19|20)\d{{2}})
    )""",
    re.I | re.X,
)


@dataclass(frozen=True)
class DateMention:
    text: str
    start: int  # offset in the sentence
    value: str | None  # resolved date at its precision, or None


def _month_num(token: str) -> int:
    t = token.lower().rstrip(".")[:3]
    return next(i for i, m in enumerate(_MONTH_NAMES, start=1) if m.startswith(t))


def _before(base: dt.date, month: int, day: int) -> dt.date:
    """Month-day in the article's year, or the year before if that would be after the article."""
    d = dt.date(base.year, month, day)
    return d if d <= base + dt.timedelta(days=1) else dt.date(base.year - 1, month, day)


@lru_cache(maxsize=4096)
def _dateparser(phrase: str, base: dt.date) -> dt.date | None:
    import dateparser

    got = dateparser.parse(
        phrase,
        languages=["en"],
        settings={
            "RELATIVE_BASE": dt.datetime(base.year, base.month, base.day),
            "PREFER_DATES_FROM": "past",
            "PREFER_DAY_OF_MONTH": "first",
            "STRICT_PARSING": False,
        },
    )
    return got.date() if got else None


def resolve(kind: str, phrase: str, base: dt.date | None) -> str | None:
    p = re.sub(r"\s+", " ", phrase.strip().lower())
    nums = re.findall(r"\d+", p)
    try:
        if kind == "iso":
            return dt.date.fromisoformat(p).isoformat()
        if kind in ("dmy", "mdy"):
            month = _month_num(re.search(_MON, p, re.I).group(0))  # type: ignore[union-attr]
            day, year = int(nums[0]), int(nums[1])
            return dt.date(year, month, day).isoformat()
        if kind == "year":
            return nums[-1]
        if kind == "mon":
            month = _month_num(re.search(_MON, p, re.I).group(0))  # type: ignore[union-attr]
            if nums:
                return f"{int(nums[-1]):04d}-{month:02d}"
            if base is None:
                return None
            year = base.year if month <= base.month else base.year - 1
            return f"{year:04d}-{month:02d}"
        if base is None:
            return None
        if kind in ("dm", "md"):
            month = _month_num(re.search(_MON, p, re.I).group(0))  # type: ignore[union-attr]
            return _before(base, month, int(nums[0])).isoformat()
        if kind == "wd":
            wd = next(i for i, w in enumerate(_WEEKDAYS) if w in p)
            back = (base.weekday() - wd) % 7
            if p.startswith("last") and back == 0:
                back = 7
            return (base - dt.timedelta(days=back)).isoformat()
        if kind == "rel":
            if p in ("today", "tonight"):
                return base.isoformat()
            if p in ("yesterday", "last night", "the previous day", "the day before"):
                return (base - dt.timedelta(days=1)).isoformat()
            if p in ("this week", "earlier this week"):
                return _iso_week(base)
            if p == "last week":
                return _iso_week(base - dt.timedelta(days=7))
            if p in ("this month", "earlier this month"):
                return f"{base.year:04d}-{base.month:02d}"
            if p == "last month":
                prev = base.replace(day=1) - dt.timedelta(days=1)
                return f"{prev.year:04d}-{prev.month:02d}"
            if p == "last year":
                return f"{base.year - 1:04d}"
            got = _dateparser(p, base)
            if got is None:
                return None
            return _iso_week(got) if "week" in p else got.isoformat()
    except (ValueError, StopIteration, IndexError):
        return None
    return None


def _iso_week(d: dt.date) -> str:
    year, week, _ = d.isocalendar()
    return f"{year:04d}-W{week:02d}"


def find_dates(sentence: str, base: dt.date | None) -> list[DateMention]:
    """Every date phrase in a sentence, resolved against the article's date."""
    out: list[DateMention] = []
    for m in DATE_PHRASE.finditer(sentence):
        kind = m.lastgroup or ""
        out.append(DateMention(m.group(0), m.start(), resolve(kind, m.group(0), base)))
    return out
