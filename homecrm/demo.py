"""Demo data: one landlord, three properties, a dozen tenants, six months of rent history and a
year of candidates (see ``demo_candidates``).

Dates are relative to today so the demo always looks current: the last six months are issued,
most tenants paid on time, a few paid late or in part, and this month is still being collected.
Randomness is seeded: the same day gives the same demo.
"""

from __future__ import annotations

import random
from functools import lru_cache
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from homecrm import clock
from homecrm.assets import store_image
from homecrm.billing.documents import generate_month, get_document
from homecrm.billing.payments import record_payment
from homecrm.billing.periods import Month
from homecrm.billing.taxes import create_tax
from homecrm.config import load_config
from homecrm.crm.customers import add_contact, create_customer
from homecrm.errors import ConflictError
from homecrm.i18n import _
from homecrm.leasing.leases import create_lease
from homecrm.leasing.properties import add_unit, create_property
from homecrm.settings import save_section
from homecrm.security.accounts import create_admin, create_user, principal_for
from homecrm.settings.sections import CompanySettings, FinanceSettings, GeneralSettings, SystemSettings
from homecrm.store.models import Customer, Role

PROPERTIES = [
    {
        "name": "Résidence Les Tilleuls",
        "address": "12 rue des Tilleuls",
        "zip_code": "69003",
        "city": "Lyon",
        "units": [("Apt 1A", "apartment", "32.50"), ("Apt 1B", "apartment", "48.00"), ("Apt 2A", "apartment", "65.20"),
                  ("Apt 2B", "apartment", "48.00"), ("Apt 3A", "apartment", "71.80"), ("Apt 3B", "apartment", "27.40"),
                  ("Apt 4A", "apartment", "88.00"), ("Parking 7", "parking", "12.50")],
    },
    {
        "name": "Immeuble Gambetta",
        "address": "48 cours Gambetta",
        "zip_code": "69007",
        "city": "Lyon",
        "units": [("Local commercial", "commercial", "95.00"), ("Apt 1", "apartment", "54.30"),
                  ("Apt 2", "apartment", "54.30"), ("Apt 3", "apartment", "41.70"), ("Apt 4", "apartment", "38.90")],
    },
    {
        "name": "Maison du Parc",
        "address": "5 allée du Parc",
        "zip_code": "69100",
        "city": "Villeurbanne",
        "units": [("Maison", "house", "112.00"), ("Studio jardin", "apartment", "22.00")],
    },
]

# (civility, first name, last name, e-mail, phone, unit index, rent, charges, months ago started, furnished)
TENANTS = [
    ("Mme", "Camille", "Lefèvre", "camille.lefevre@example.fr", "06 12 34 56 78", 0, "520.00", "45.00", 10, True),
    ("M.", "Julien", "Moreau", "julien.moreau@example.fr", "06 23 45 67 89", 1, "690.00", "60.00", 8, False),
    ("Mme", "Sophie", "Girard", "sophie.girard@example.fr", "07 81 22 33 44", 2, "850.00", "80.00", 44, False),
    ("M.", "Thomas", "Rousseau", "thomas.rousseau@example.fr", "06 98 76 54 32", 3, "680.00", "60.00", 3, False),
    ("Mme", "Élodie", "Fournier", "elodie.fournier@example.fr", "06 45 67 89 01", 4, "920.00", "90.00", 14, False),
    ("M.", "Lucas", "Bonnet", "lucas.bonnet@example.fr", "07 65 43 21 09", 5, "480.00", "35.00", 9, True),
    ("Mme", "Chloé", "Lambert", "chloe.lambert@example.fr", "06 33 44 55 66", 9, "720.00", "65.00", 26, False),
    ("M.", "Hugo", "Fontaine", "hugo.fontaine@example.fr", "06 77 88 99 00", 10, "715.00", "65.00", 11, False),
    ("Mme", "Manon", "Chevalier", "manon.chevalier@example.fr", "07 82 33 44 55", 11, "590.00", "50.00", 7, False),
    ("M.", "Nicolas", "Dubois", "nicolas.dubois@example.fr", "06 55 66 77 88", 13, "1150.00", "120.00", 50, False),
    ("Mme", "Léa", "Mercier", "lea.mercier@example.fr", "06 10 20 30 40", 14, "430.00", "30.00", 5, True),
]
COMMERCIAL = {
    "kind": "company",
    "company_name": "Boulangerie Dupain SARL",
    "siren": "522194414",
    "vat_number": "FR80522194414",
    "email": "contact@boulangerie-dupain.example.fr",
    "phone": "04 78 12 34 56",
    "address": "48 cours Gambetta",
    "zip_code": "69007",
    "city": "Lyon",
}

# How each tenant pays, by index: on time, late, partly, or not at all this month.
# Demo accounts, shown on the sign-in page only in demo mode. Never use them elsewhere.
DEMO_ADMIN = ("admin@demo.homecrm.fr", "demo-admin-2026")
DEMO_STAFF = ("gestion@demo.homecrm.fr", "demo-gestion-2026")

HABITS = ["ontime", "ontime", "late", "ontime", "ontime", "partial", "ontime", "late", "ontime", "ontime", "partial", "ontime"]


def is_empty(session: Session) -> bool:
    return not session.scalar(select(func.count(Customer.id)))


def _months_ago(today: date, months: int, day: int = 1) -> date:
    return Month.of(today).shift(-months).day(day)


def seed_demo(session: Session, *, months: int = 6) -> dict[str, int]:
    """Fill an empty database with the demo; refuses a database that already has tenants."""
    if not is_empty(session):
        raise ConflictError(_("The database already has tenants: the demo only fills an empty database."))
    today = clock.today()
    rng = random.Random(today.toordinal())

    admin_user = create_admin(session, email=DEMO_ADMIN[0], name="Claire Martin (admin)", password=DEMO_ADMIN[1])
    admin = principal_for(admin_user)
    manager = session.scalar(select(Role).where(Role.name == "Gestionnaire"))
    staff = create_user(session, actor=admin, data={"email": DEMO_STAFF[0], "name": "Julie Bernard",
                                                    "role_id": manager.id if manager else None}, password=DEMO_STAFF[1])
    staff.must_change_password = False
    save_section(session, SystemSettings, {"demo_mode": True}, actor=admin)

    vat20 = create_tax(session, actor=admin, data={"name": "TVA", "rate": "20"})
    create_tax(session, actor=admin, data={"name": "TVA", "rate": "10"})
    create_tax(session, actor=admin, data={"name": "TVA", "rate": "5.5"})
    logo_path = load_config().assets_dir / "logo.svg"
    logo = store_image(session, kind="logo", filename="logo.svg", data=logo_path.read_bytes())
    save_section(session, GeneralSettings, {
        "company_name": "Les Tilleuls Gestion", "website": "https://www.les-tilleuls.example.fr", "logo": logo.id,
    }, actor=admin)
    save_section(session, CompanySettings, {
        "name": "SCI Les Tilleuls", "address": "3 place Bellecour", "zip_code": "69002", "city": "Lyon",
        "state": "Rhône", "phone": "04 72 00 00 00", "vat_number": "FR19812345676", "siren": "812345676",
    }, actor=admin)
    save_section(session, FinanceSettings, {"default_tax": vat20.id}, actor=admin)

    units = []
    for prop_data in PROPERTIES:
        prop = create_property(session, actor=admin, data={k: v for k, v in prop_data.items() if k != "units"})
        for name, kind, surface in prop_data["units"]:
            units.append(add_unit(session, actor=admin, property_id=prop.id, data={"name": name, "kind": kind, "surface": surface}))

    leases = []
    for civility, first, last, email, phone, unit_index, rent, charges, ago, furnished in TENANTS:
        customer = create_customer(session, actor=admin, data={
            "civility": civility, "first_name": first, "last_name": last, "email": email, "phone": phone,
            "address": f"{units[unit_index].property.address}, {units[unit_index].name}",
            "zip_code": units[unit_index].property.zip_code, "city": units[unit_index].property.city,
        })
        # One tenant moved in mid-month three months ago: that first month is charged pro rata.
        start = _months_ago(today, ago, 15 if ago == 3 else 1)
        leases.append(create_lease(session, actor=admin, data={
            "customer_id": customer.id, "unit_id": units[unit_index].id, "start_date": start,
            "rent": rent, "charges": charges, "deposit": str(Decimal(rent) * (2 if furnished else 1)),
            "due_day": 5, "furnished": furnished,
        }))
    company = create_customer(session, actor=admin, data=COMMERCIAL)
    add_contact(session, actor=admin, customer_id=company.id, data={
        "first_name": "Paul", "last_name": "Dupain", "email": "paul@boulangerie-dupain.example.fr",
        "phone": "06 40 50 60 70", "position": "Gérant", "is_primary": True,
    })
    leases.append(create_lease(session, actor=admin, data={
        "customer_id": company.id, "unit_id": units[8].id, "start_date": _months_ago(today, 38),
        "rent": "1800.00", "charges": "150.00", "deposit": "5400.00", "due_day": 1,
        "regime": "commercial", "vat_option": True,
    }))

    documents = 0
    payments = 0
    current = Month.of(today)
    for offset in range(months - 1, -1, -1):
        month = current.shift(-offset)
        issued_on = min(month.shift(-1).day(25), today)
        result = generate_month(session, actor=admin, month=month, on=issued_on)
        documents += len(result.created)
        for doc_id in result.created:
            doc = get_document(session, doc_id, actor=admin)
            habit = HABITS[leases.index(doc.lease) % len(HABITS)]
            due = doc.due_date
            if offset == 0 and due > today:
                continue  # not due yet
            if habit == "ontime":
                plan = [(doc.total, due - timedelta(days=rng.randint(0, 3)))]
            elif habit == "late":
                # Pays two to three weeks late; last month's rent is still unpaid.
                plan = [] if offset == 1 else [(doc.total, due + timedelta(days=rng.randint(8, 25)))]
            else:  # partial: half now, the rest a month later (or still due)
                half = (doc.total / 2).quantize(Decimal("0.01"))
                plan = [(half, due + timedelta(days=rng.randint(0, 5))), (doc.total - half, due + timedelta(days=35))]
            for amount, paid_on in plan:
                paid_on = max(paid_on, doc.issued_on)
                if paid_on > today:
                    continue
                mode = rng.choice(["transfer", "transfer", "direct_debit", "cheque"])
                reference = {"transfer": f"VIR-{doc.number}", "direct_debit": f"PRLV-{doc.number}",
                             "cheque": f"CHQ {4_810_000 + doc.id * 7}"}[mode]
                record_payment(session, actor=admin, document_id=doc.id, data={
                    "amount": amount, "paid_on": paid_on, "mode": mode,
                    "reference": reference if rng.random() < 0.5 else "",
                })
                payments += 1
    from homecrm.demo_candidates import seed_candidates

    candidates = seed_candidates(session, actor=admin, today=today)
    from homecrm.demo_work import seed_work

    seed_work(session, actor=admin, today=today)
    session.flush()
    return {"tenants": len(leases), "units": len(units), "documents": documents, "payments": payments,
            "candidates": candidates}


def demo_accounts(session: Session) -> list[tuple[str, str, str]]:
    """The demo sign-ins to show — (kind, e-mail, password), kind "admin" or "staff" — only in demo
    mode, and only those that still work: once a demo password is changed (or the account is
    deactivated) the sign-in page stops showing it."""
    from homecrm.settings import load_section
    from homecrm.store.models import StaffUser

    if not load_section(session, SystemSettings).demo_mode:
        return []
    shown = []
    for kind, (email, password) in (("admin", DEMO_ADMIN), ("staff", DEMO_STAFF)):
        user = session.scalar(select(StaffUser).where(func.lower(StaffUser.email) == email))
        if user is not None and user.active and _demo_password_works(user.password_hash, password):
            shown.append((kind, email, password))
    return shown


@lru_cache(maxsize=8)
def _demo_password_works(password_hash: str | None, password: str) -> bool:
    """argon2 is slow on purpose (~0.2 s): the answer for a given hash never changes, so the
    sign-in page asks once per hash, not at every visit (a changed password is a new hash)."""
    from homecrm.security.passwords import verify_password

    return verify_password(password_hash, password)
