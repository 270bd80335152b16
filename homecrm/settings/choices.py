"""Dynamic choice lists for settings fields (``choices="taxes"`` and the like)."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from zoneinfo import available_timezones

from babel import Locale
from sqlalchemy import select
from sqlalchemy.orm import Session

from homecrm.i18n import LANGUAGES, get_language
from homecrm.validation import COUNTRY_CODES
from homecrm.store.models import Tax


def _taxes(session: Session) -> dict[object, str]:
    from homecrm.render.formatting import Formats

    fmt = Formats(lang=get_language())
    taxes = session.scalars(select(Tax).where(Tax.active.is_(True)).order_by(Tax.rate, Tax.name))
    return {None: "—", **{tax.id: f"{tax.name} {fmt.percent(tax.rate)}" for tax in taxes}}


@lru_cache(maxsize=1)
def _timezone_list() -> tuple[str, ...]:
    return tuple(sorted(tz for tz in available_timezones() if "/" in tz and not tz.startswith("Etc/")))


def _timezones(session: Session) -> dict[object, str]:
    return {tz: tz for tz in _timezone_list()}


def _countries(session: Session) -> dict[object, str]:
    names = Locale.parse(get_language()).territories
    codes = sorted((code for code in COUNTRY_CODES if code in names), key=lambda c: names[c])
    return {code: f"{names[code]} ({code})" for code in codes}


def _languages(session: Session) -> dict[object, str]:
    return dict(LANGUAGES)


def _candidate_statuses(session: Session) -> dict[object, str]:
    from homecrm.store.models import CandidateStatus

    return {None: "—", **{s.id: s.name for s in session.scalars(select(CandidateStatus).order_by(CandidateStatus.position))}}


def _candidate_sources(session: Session) -> dict[object, str]:
    from homecrm.store.models import CandidateSource

    return {None: "—", **{s.id: s.name for s in session.scalars(select(CandidateSource).order_by(CandidateSource.position))}}


def _staff(session: Session) -> dict[object, str]:
    from homecrm.store.models import StaffUser

    users = session.scalars(select(StaffUser).where(StaffUser.active.is_(True), StaffUser.is_system.is_(False))
                            .order_by(StaffUser.name))
    return {None: "—", **{u.id: u.name for u in users}}


def _named_rows(model_name: str) -> Callable[[Session], dict[object, str]]:
    def provider(session: Session) -> dict[object, str]:
        from homecrm.store import models

        model = getattr(models, model_name)
        return {None: "—", **{r.id: r.name for r in session.scalars(select(model).order_by(model.position, model.id))}}

    return provider


PROVIDERS: dict[str, Callable[[Session], dict[object, str]]] = {
    "staff": _staff,
    "task_statuses": _named_rows("TaskStatus"),
    "ticket_statuses": _named_rows("TicketStatus"),
    "candidate_statuses": _candidate_statuses,
    "candidate_sources": _candidate_sources,
    "taxes": _taxes,
    "timezones": _timezones,
    "countries": _countries,
    "languages": _languages,
}


def choices_for(session: Session, spec: str | dict) -> tuple[dict[object, str], bool]:
    """(value → label, labels_are_message_ids) for a field's ``choices`` metadata."""
    if isinstance(spec, dict):
        return dict(spec), True
    return PROVIDERS[spec](session), False
