"""Periods for the slimming list: quarters, the previous period, and the split of a period
into whole weeks (read from the weekly tables) and edge days (from the daily ones)."""

from dataclasses import dataclass
from datetime import date, timedelta

from core.usage.rollup import monday


@dataclass(frozen=True)
class Period:
    start: date  # first day
    end: date  # the day after the last

    @property
    def days(self):
        return (self.end - self.start).days

    @property
    def weeks(self):
        return self.days / 7

    def previous(self):
        return Period(self.start - (self.end - self.start), self.start)

    def split(self):
        """(edge days as [start, end) ranges, whole weeks as (first Monday, after last week))."""
        first = monday(self.start) if self.start.weekday() == 0 else monday(self.start) + timedelta(days=7)
        last = monday(self.end)
        if first >= last:
            return [(self.start, self.end)], None
        edges = [(a, b) for a, b in ((self.start, first), (last, self.end)) if a < b]
        return edges, (first, last)

    def label(self):
        last = self.end - timedelta(days=1)
        quarter = quarter_of(self.start)
        if quarter == self:
            return f"{self.start.year} 年第 {(self.start.month - 1) // 3 + 1} 季度"
        return f"{self.start.isoformat()} 至 {last.isoformat()}"


def quarter_of(day):
    start = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    end = date(start.year + 1, 1, 1) if start.month == 10 else date(start.year, start.month + 3, 1)
    return Period(start, end)


def last_quarter(today):
    return quarter_of(quarter_of(today).start - timedelta(days=1))


def parse_period(start_text, end_text, today):
    """The period from two ISO dates (the end inclusive), or last quarter when both are empty.
    Raises ValueError naming the field."""
    if not start_text and not end_text:
        return last_quarter(today)
    try:
        start = date.fromisoformat(start_text or "")
    except ValueError:
        raise ValueError("start") from None
    try:
        end = date.fromisoformat(end_text or "") + timedelta(days=1)
    except ValueError:
        raise ValueError("end") from None
    if end <= start or (end - start).days > 366:
        raise ValueError("end")
    return Period(start, end)
