"""Which sources bring candidates who sign: figures for the analytics page (and its CSV export).

Every figure is computed here from the candidates created in the chosen period (and property):
candidates per source per month, conversion rate and median days to conversion per source, the
funnel (how many reached each stage of the board, in board order) and why candidates were lost.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecrm.i18n import _
from homecrm.security.principal import Principal, require
from homecrm.store.models import (
    Candidate,
    CandidateSource,
    CandidateStatus,
    CandidateStatusChange,
)


@dataclass(frozen=True)
class SourceFigures:
    source: str
    candidates: int
    converted: int
    lost: int
    median_days: Decimal | None  # from creation to conversion, converted candidates only

    @property
    def rate(self) -> Decimal:
        """Conversion rate in percent, one decimal."""
        if not self.candidates:
            return Decimal("0.0")
        return (Decimal(self.converted) * 100 / self.candidates).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True)
class FunnelStage:
    status: str
    color: str
    reached: int  # candidates who got to this stage or further
    current: int  # candidates in this stage now


@dataclass(frozen=True)
class Analytics:
    first: date
    last: date
    total: int
    converted: int
    median_days: Decimal | None
    by_month: dict[str, dict[str, int]]  # "YYYY-MM" → source → candidates created
    sources: list[SourceFigures]
    funnel: list[FunnelStage]
    lost_reasons: list[tuple[str, int]]

    @property
    def rate(self) -> Decimal:
        return SourceFigures("", self.total, self.converted, 0, None).rate


def _median(values: list[int]) -> Decimal | None:
    if not values:
        return None
    return Decimal(str(statistics.median(values))).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _months(first: date, last: date) -> list[str]:
    out, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def analytics(session: Session, *, actor: Principal, first: date, last: date,
              property_id: int | None = None, source_id: int | None = None) -> Analytics:
    """Figures for candidates created from ``first`` to ``last`` (inclusive, local dates)."""
    require(session, actor, "reports", "view")
    if last < first:
        first, last = last, first
    from homecrm.settings.local_time import local_timezone

    tz = ZoneInfo(local_timezone(session))  # the landlord's days, not UTC's
    start = datetime.combine(first, time(0), tzinfo=tz)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=tz)
    stmt = select(Candidate.id, Candidate.source_id, Candidate.status_id, Candidate.created_at, Candidate.converted_at,
                  Candidate.lost_reason).where(Candidate.created_at >= start, Candidate.created_at < end)
    if property_id is not None:
        stmt = stmt.where(Candidate.property_id == property_id)
    if source_id is not None:
        stmt = stmt.where(Candidate.source_id == source_id)
    rows = session.execute(stmt).all()
    statuses = list(session.scalars(select(CandidateStatus).order_by(CandidateStatus.position, CandidateStatus.id)))
    kind = {s.id: s.kind for s in statuses}
    names = {s.id: s.name for s in session.scalars(select(CandidateSource))}
    none_label = _("(no source)")

    months = {m: defaultdict(int) for m in _months(first, last)}
    per_source: dict[str, list] = defaultdict(lambda: [0, 0, 0, []])  # candidates, converted, lost, days
    all_days: list[int] = []
    lost_reasons: Counter[str] = Counter()
    for _id, source_id_, status_id, created_at, converted_at, lost_reason in rows:
        local = created_at.astimezone(tz)
        source = names.get(source_id_, none_label)
        months[f"{local.year:04d}-{local.month:02d}"][source] += 1
        figures = per_source[source]
        figures[0] += 1
        if converted_at is not None:
            days = (converted_at.astimezone(tz).date() - local.date()).days
            figures[1] += 1
            figures[3].append(days)
            all_days.append(days)
        elif kind.get(status_id) == "lost":
            figures[2] += 1
            lost_reasons[lost_reason.strip() or _("(no reason given)")] += 1

    sources = sorted((SourceFigures(name, c, v, lost, _median(days)) for name, (c, v, lost, days) in per_source.items()),
                     key=lambda f: (-f.candidates, f.source))
    return Analytics(first, last, len(rows), sum(f.converted for f in sources), _median(all_days),
                     {m: dict(v) for m, v in months.items()}, sources,
                     _funnel(session, [r[0] for r in rows], {r[0]: r[2] for r in rows}, statuses),
                     sorted(lost_reasons.items(), key=lambda kv: (-kv[1], kv[0])))


def _funnel(session: Session, ids: list[int], current: dict[int, int], statuses: list[CandidateStatus]) -> list[FunnelStage]:
    """Stages are the open and won columns in board order; a candidate reached every stage up to
    the furthest one it has ever been in (a lost candidate counts up to where it was lost)."""
    stages = [s for s in statuses if s.kind != "lost"]
    rank = {s.id: i for i, s in enumerate(stages)}
    furthest = {cid: rank.get(current[cid], 0) for cid in ids}
    for chunk_start in range(0, len(ids), 900):
        chunk = ids[chunk_start:chunk_start + 900]
        for cid, status_id in session.execute(select(CandidateStatusChange.candidate_id, CandidateStatusChange.status_id)
                                              .where(CandidateStatusChange.candidate_id.in_(chunk))):
            if status_id in rank:
                furthest[cid] = max(furthest[cid], rank[status_id])
    now_in = Counter(current[cid] for cid in ids)
    reached = Counter(furthest.values())
    out, running = [], 0
    for i in range(len(stages) - 1, -1, -1):
        running += reached.get(i, 0)
        out.append(FunnelStage(stages[i].name, stages[i].color, running, now_in.get(stages[i].id, 0)))
    return out[::-1]


def to_csv(figures: Analytics, *, date_format: str = "d/m/Y") -> bytes:
    """One file with the four tables one after the other."""
    from homecrm.csv_export import csv_bytes
    from homecrm.render.formatting import format_date

    sources = [f.source for f in figures.sources]
    return csv_bytes([
        [_("Candidates from {first} to {last}").format(first=format_date(figures.first, date_format),
                                                        last=format_date(figures.last, date_format))],
        [],
        [_("Source"), _("Candidates"), _("Converted"), _("Lost"), _("Conversion rate (%)"), _("Median days to conversion")],
        *([f.source, f.candidates, f.converted, f.lost, _dec(f.rate), _dec(f.median_days) if f.median_days is not None
           else ""] for f in figures.sources),
        [],
        [_("Month"), *sources],
        *([month, *(counts.get(s, 0) for s in sources)] for month, counts in figures.by_month.items()),
        [],
        [_("Stage"), _("Reached"), _("Now in this stage")],
        *([stage.status, stage.reached, stage.current] for stage in figures.funnel),
        [],
        [_("Lost reason"), _("Candidates")],
        *([reason, count] for reason, count in figures.lost_reasons),
    ])


def _dec(value: Decimal) -> str:
    return str(value).replace(".", ",")
