"""Dates: relative phrases resolved against the article's date, at the precision given."""

from __future__ import annotations

import datetime as dt

import pytest

from escalade.ingest.dates import find_dates

SUNDAY = dt.date(2024, 4, 14)


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        ("Iran attacked late on Saturday.", "2024-04-13"),
        ("The strike came on Sunday.", "2024-04-14"),
        ("Talks were held on Tuesday.", "2024-04-09"),
        ("It happened yesterday.", "2024-04-13"),
        ("It happened three days ago.", "2024-04-11"),
        ("Officials met last week.", "2024-W14"),
        ("The consulate was hit in April.", "2024-04"),
        ("The talks began in December.", "2023-12"),
        ("The strike on April 1 killed seven.", "2024-04-01"),
        ("The strike on 1 April killed seven.", "2024-04-01"),
        ("Soleimani was killed on Jan. 3, 2020.", "2020-01-03"),
        ("Signed on 2019-09-14 in Riyadh.", "2019-09-14"),
        ("A deal was reached in 2015.", "2015"),
    ],
)
def test_phrases_resolve(sentence: str, value: str) -> None:
    found = find_dates(sentence, SUNDAY)
    assert found and found[0].value == value, found


def test_relative_phrases_need_the_article_date() -> None:
    found = find_dates("Iran attacked on Saturday.", None)
    assert found[0].text.strip().lower() == "on saturday"
    assert found[0].value is None
    assert find_dates("On 13 April 2024 Iran attacked.", None)[0].value == "2024-04-13"


def test_a_month_day_after_the_article_is_last_year() -> None:
    assert find_dates("It began on December 30.", dt.date(2024, 1, 5))[0].value == "2023-12-30"
