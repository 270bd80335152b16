"""Demo candidates: a year of prospective tenants from several sources, so the board and the
analytics page say something. Recent tenants of the demo are the candidates who signed.

Seeded randomness (same day, same demo); every record goes through the services, each step at
its own date (the clock is moved), so history, ages and conversion delays are realistic.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecrm import clock
from homecrm.crm.candidate_pipeline import list_sources, list_statuses
from homecrm.crm.candidates import create_candidate, link_to_tenant, move_candidate
from homecrm.security.principal import Principal
from homecrm.store.models import Customer, Lease, Property, StaffUser

FIRST = ["Inès", "Louis", "Emma", "Gabriel", "Jade", "Raphaël", "Louise", "Arthur", "Alice", "Jules", "Lina", "Adam",
         "Rose", "Maël", "Anna", "Paul", "Mila", "Noah", "Julia", "Tom", "Sarah", "Nathan", "Lou", "Ethan", "Zoé",
         "Théo", "Margaux", "Victor", "Clara", "Samuel"]
LAST = ["Martin", "Bernard", "Petit", "Robert", "Richard", "Durand", "Leroy", "Morel", "Simon", "Laurent", "Michel",
        "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournel", "Morin", "André", "Mercier", "Blanc", "Guerin",
        "Boyer", "Garnier", "Chevallier", "François", "Legrand", "Gauthier", "Perrin", "Robin"]
# Source → (weight of the volume, chance to reach the next stage): the analytics show Leboncoin
# brings many candidates and word of mouth few but good ones.
SOURCES = {"Leboncoin": (34, 0.55), "SeLoger": (22, 0.6), "PAP": (16, 0.5), "Site web": (12, 0.62),
           "Bouche-à-oreille": (8, 0.8), "Agence partenaire": (8, 0.7)}
# Per calendar month: more candidates before the academic year.
SEASON = {1: 7, 2: 6, 3: 7, 4: 7, 5: 8, 6: 11, 7: 13, 8: 14, 9: 12, 10: 8, 11: 6, 12: 5}
LOST_REASONS = ["Dossier incomplet", "Garant insuffisant", "A trouvé ailleurs", "Loyer trop élevé", "Ne répond plus",
                "Logement trop petit"]
TAGS = ["Étudiant", "Garant Visale", "Urgent", "Télétravail", "Animal"]


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 15), tzinfo=UTC)


def seed_candidates(session: Session, *, actor: Principal, today: date) -> int:
    """About a hundred candidates created over the last twelve months; returns how many."""
    rng = random.Random(today.toordinal() * 7)
    statuses = list_statuses(session)
    stages = [s for s in statuses if s.kind == "open"]
    lost = next(s for s in statuses if s.kind == "lost")
    sources = {s.name: s.id for s in list_sources(session)}
    staff = [s.id for s in session.scalars(select(StaffUser).where(StaffUser.is_system.is_(False)))]
    properties = list(session.scalars(select(Property.id)))
    count = 0

    # The tenants whose lease started within the year were candidates first: link them.
    recent = session.execute(
        select(Customer, Lease.start_date).join(Lease, Lease.customer_id == Customer.id)
        .where(Customer.kind == "person", Lease.start_date > today - timedelta(days=360))
        .order_by(Lease.start_date)
    ).all()
    signed_sources = ["Leboncoin", "Bouche-à-oreille", "SeLoger", "Leboncoin", "Site web", "Agence partenaire",
                      "SeLoger", "Bouche-à-oreille"]
    for i, (customer, start) in enumerate(recent):
        created = start - timedelta(days=rng.randint(25, 55))
        with clock.frozen(_at(created, 9)):
            cand = create_candidate(session, actor=actor, data={
                "first_name": customer.first_name, "last_name": customer.last_name, "email": customer.email,
                "phone": customer.phone, "source_id": sources.get(signed_sources[i % len(signed_sources)]),
                "assigned_to_id": rng.choice(staff) if staff else None, "move_in": start,
                "budget": str(rng.randrange(450, 1200, 10)), "property_id": rng.choice(properties) if properties else None})
        day = created
        for stage in stages[1:]:
            day += timedelta(days=rng.randint(2, 8))
            with clock.frozen(_at(day, 11)):
                move_candidate(session, actor=actor, candidate_id=cand.id, status_id=stage.id)
        signed = start - timedelta(days=rng.randint(5, 15))
        with clock.frozen(_at(signed, 16)):
            link_to_tenant(session, actor=actor, candidate_id=cand.id, customer_id=customer.id)
        count += 1

    names = [(f, n) for f in FIRST for n in LAST]
    rng.shuffle(names)
    weights = [w for w, _p in SOURCES.values()]
    month = date(today.year - 1, today.month, 1)
    serial = 0
    while month <= today:
        for _n in range(SEASON[month.month]):
            day = month + timedelta(days=rng.randint(0, 27))
            if day > today:
                continue
            first, last = names[serial % len(names)]
            serial += 1
            source = rng.choices(list(SOURCES), weights)[0]
            chance = SOURCES[source][1]
            with clock.frozen(_at(day, rng.randint(8, 19))):
                cand = create_candidate(session, actor=actor, data={
                    "first_name": first, "last_name": last,
                    "email": f"{_ascii(first)}.{_ascii(last)}{serial}@example.fr",
                    "phone": f"06{rng.randint(10, 38)}{serial:06d}",
                    "source_id": sources.get(source), "assigned_to_id": rng.choice([*staff, None]) if staff else None,
                    "budget": str(rng.randrange(400, 1300, 10)), "move_in": day + timedelta(days=rng.randint(15, 75)),
                    "property_id": rng.choice([*properties, None]) if properties else None,
                    "tags": rng.sample(TAGS, rng.choice([0, 0, 1, 1, 2]))})
            count += 1
            age = (today - day).days
            for stage in stages[1:]:
                if rng.random() > chance:
                    break
                day += timedelta(days=rng.randint(2, 10))
                if day >= today:
                    break
                with clock.frozen(_at(day, 11)):
                    move_candidate(session, actor=actor, candidate_id=cand.id, status_id=stage.id)
            # Older candidates who did not sign were lost; recent ones are still on the board.
            if age > 60 and rng.random() < 0.9:
                lost_on = min(day + timedelta(days=rng.randint(3, 20)), today)
                with clock.frozen(_at(lost_on, 17)):
                    move_candidate(session, actor=actor, candidate_id=cand.id, status_id=lost.id,
                                   lost_reason=rng.choice(LOST_REASONS))
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    session.flush()
    return count


def _ascii(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()

