"""Months, periods and due dates of the rent schedule."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from homecrm.errors import ValidationError
from homecrm.i18n import _


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        """``YYYY-MM`` → Month; anything else is refused with the expected form."""
        match = re.fullmatch(r"\s*(\d{4})-(\d{2})\s*", text or "")
        if not match or not 1 <= int(match.group(2)) <= 12 or not 2000 <= int(match.group(1)) <= 2099:
            raise ValidationError(
                _("\"{text}\" is not a month: use YYYY-MM, e.g. 2026-03.").format(text=text), field="month"
            )
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def days(self) -> int:
        return self.last.day

    def day(self, n: int) -> date:
        """Day ``n`` of the month, clamped to its last day (due day 31 in February → 28/29)."""
        return date(self.year, self.month, min(n, self.days))

    def shift(self, months: int) -> Month:
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def label(self) -> str:
        """The month in words in the current language, for messages: "décembre 2026"."""
        from babel.dates import format_date

        from homecrm.i18n import get_language

        return format_date(self.first, "LLLL y", locale=get_language())
