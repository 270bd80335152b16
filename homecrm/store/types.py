"""Column types that keep money exact and time in UTC on every database.

SQLite has no decimal type: a NUMERIC column hands back floats. Amounts are therefore stored as
integers of a fixed scale (cents for money) and read back as ``Decimal``; SQL ``SUM`` stays exact.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, DateTime
from sqlalchemy.types import TypeDecorator


class ScaledDecimal(TypeDecorator[Decimal]):
    """A ``Decimal`` stored as an integer number of 10**-scale units.

    A value with more decimals than the scale is refused instead of being rounded silently:
    rounding is a business decision taken in ``homecrm.billing.money``, never in the store.
    """

    impl = BigInteger
    cache_ok = True

    def __init__(self, scale: int = 2) -> None:
        super().__init__()
        self.scale = scale
        self._unit = Decimal(1).scaleb(-scale)

    def process_bind_param(self, value: Decimal | int | None, dialect) -> int | None:
        if value is None:
            return None
        if isinstance(value, float) or not isinstance(value, (Decimal, int)):
            raise TypeError(f"expected Decimal, got {type(value).__name__}")
        scaled = Decimal(value).scaleb(self.scale)
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{value} has more than {self.scale} decimals")
        return int(scaled)

    def process_result_value(self, value: int | None, dialect) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(int(value)) * self._unit).quantize(self._unit)


class Money(ScaledDecimal):
    """An amount in a currency with at most two minor-unit digits (EUR, USD, JPY…)."""

    cache_ok = True

    def __init__(self) -> None:
        super().__init__(scale=2)


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as naive UTC; read back as aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; timestamps must be timezone-aware")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    """Column default: the application clock (so a frozen clock in tests and demos applies)."""
    from homecrm import clock

    return clock.now()
