"""Demo tasks and support tickets: a landlord's week of small jobs and tenants' requests.

Everything goes through the services, each step at its own date (the clock is moved), so the
board shows overdue and finished work, logged time, and a thread of replies.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecrm import clock
from homecrm.security.accounts import save_department
from homecrm.security.principal import Principal
from homecrm.statuses import list_statuses
from homecrm.store.models import Candidate, Customer, Lease, Property, StaffUser, TaskStatus, TicketStatus
from homecrm.support import tickets as tk
from homecrm.tasks import timers
from homecrm.tasks.tasks import add_checklist_item, add_comment, check_item, create_task, move_task, set_property_team

# (title, priority, status kind, due in days, property index ("shop": the commercial lease), checklist,
#  minutes logged)
TASKS = [
    ("Réparer la chaudière de l'Apt 2A", "urgent", "in_progress", -2, 0, ["Appeler le chauffagiste", "Devis"], 95),
    ("Visite d'entrée — Apt 3B", "high", "todo", 3, 0, ["Relevé des compteurs", "Remise des clés", "Photos"], 0),
    ("Relancer l'assurance habitation de M. Moreau", "medium", "waiting", 6, 0, [], 15),
    ("Ramonage annuel", "medium", "todo", 20, 2, [], 0),
    ("Repeindre la cage d'escalier", "low", "todo", 45, 1, ["Trois devis", "Vote en AG"], 0),
    ("Changer le digicode", "high", "done", -10, 1, ["Commander", "Installer"], 120),
    ("Contrôle des détecteurs de fumée", "medium", "done", -30, 0, [], 60),
    ("Régularisation des charges 2025", "high", "in_progress", 10, None, ["Relevés", "Calcul", "Courriers"], 150),
    ("Vitrine fissurée de la boulangerie", "urgent", "todo", 1, "shop", [], 45),
]
# (subject, request, department, status kind, days ago, staff reply, tenant reply)
TICKETS = [
    ("Fuite sous l'évier", "Bonjour, l'évier de la cuisine fuit depuis hier soir.", "Technique", "answered", 4,
     "Le plombier passe jeudi matin entre 8 h et 10 h.", None),
    ("Attestation de loyer pour la CAF", "Pouvez-vous m'envoyer une attestation de loyer ?", "Comptabilité", "closed",
     20, "Voici l'attestation en pièce jointe à votre quittance de ce mois.", None),
    ("Bruit de la VMC", "La VMC fait un bruit fort la nuit.", "Technique", "open", 1, None, None),
    ("Double des clés de la cave", "J'ai perdu la clé de la cave, est-il possible d'avoir un double ?", "Technique",
     "open", 7, "Oui, 15 € la clé. Je la dépose dans votre boîte aux lettres.", "Merci, c'est parfait !"),
]


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def seed_work(session: Session, *, actor: Principal, today: date) -> dict[str, int]:
    staff = list(session.scalars(select(StaffUser).where(StaffUser.is_system.is_(False)).order_by(StaffUser.id)))
    properties = list(session.scalars(select(Property).order_by(Property.id)))
    technique = save_department(session, actor=actor, name="Technique", email="technique@les-tilleuls.example.fr")
    compta = save_department(session, actor=actor, name="Comptabilité")
    if len(staff) > 1:
        staff[1].departments = [technique]
        set_property_team(session, actor=actor, property_id=properties[0].id, user_ids=[staff[1].id])
    task_kinds = {s.kind: s.id for s in reversed(list_statuses(session, TaskStatus))}
    shop = session.scalar(select(Lease.id).where(Lease.regime == "commercial").order_by(Lease.id))
    for i, (title, priority, kind, due, prop, checklist, minutes) in enumerate(TASKS):
        created = today - timedelta(days=max(5, -due + 5))
        related = (("lease", shop) if prop == "shop" and shop is not None else
                   ("property", properties[prop].id) if isinstance(prop, int) else (None, None))
        with clock.frozen(_at(created, 9)):
            task = create_task(session, actor=actor, data={
                "title": title, "priority": priority, "due_date": today + timedelta(days=due),
                "related_kind": related[0], "related_id": related[1],
                "assignee_ids": [staff[(i % len(staff))].id] if staff else []})
            for n, text in enumerate(checklist):
                item = add_checklist_item(session, actor=actor, task_id=task.id, text=text)
                if kind == "done" or (kind == "in_progress" and n == 0):
                    check_item(session, actor=actor, item_id=item.id, done=True)
        if minutes:
            timers.log_time(session, actor=actor, task_id=task.id, minutes=minutes, on=created + timedelta(days=1),
                            note="Sur place")
        if kind != "todo":
            with clock.frozen(_at(created + timedelta(days=2), 15)):
                move_task(session, actor=actor, task_id=task.id, status_id=task_kinds[kind])
        if i == 0:
            with clock.frozen(_at(created + timedelta(days=1), 11)):
                add_comment(session, actor=actor, task_id=task.id, body="Le chauffagiste passe demain matin.")
    tenants = list(session.scalars(select(Customer).join(Lease, Lease.customer_id == Customer.id)
                                   .where(Customer.kind == "person").order_by(Customer.id)))
    ticket_kinds = {s.kind: s.id for s in reversed(list_statuses(session, TicketStatus))}
    departments = {"Technique": technique.id, "Comptabilité": compta.id}
    for i, (subject, request, dept, kind, ago, answer, tenant_answer) in enumerate(TICKETS):
        opened = today - timedelta(days=ago)
        with clock.frozen(_at(opened, 8 + i)):
            ticket = tk.open_ticket(session, actor=actor, data={
                "subject": subject, "body": request, "customer_id": tenants[i % len(tenants)].id,
                "department_id": departments[dept], "priority": "high" if i == 0 else "medium"})
        if answer:
            with clock.frozen(_at(opened, 14)):
                tk.staff_reply(session, actor=actor, ticket_id=ticket.id, body=answer, email_tenant=False,
                               status_id=ticket_kinds["answered"])
        if tenant_answer:
            with clock.frozen(_at(opened + timedelta(days=1), 9)):
                tk.customer_reply(session, actor=actor, ticket_id=ticket.id, body=tenant_answer)
        if kind != "open" and ticket.status.kind != kind:
            tk.change_status(session, actor=actor, ticket_id=ticket.id, status_id=ticket_kinds[kind])
    from homecrm.calendar.reminders import create_reminder

    candidate = session.scalar(select(Candidate).where(Candidate.customer_id.is_(None)).order_by(Candidate.id.desc()))
    reminders = [
        {"description": "Appeler le syndic pour la toiture", "start_date": today + timedelta(days=2),
         "all_day": False, "at_time": time(10, 30)},
        {"description": "Fin du préavis de M. Dubois : état des lieux de sortie", "start_date": today + timedelta(days=9),
         "related_kind": "tenant", "related_id": tenants[-1].id},
        {"description": "Assemblée générale de copropriété", "start_date": today + timedelta(days=15),
         "end_date": today + timedelta(days=16), "related_kind": "property", "related_id": properties[1].id},
    ]
    if candidate is not None:
        reminders.append({"description": f"Rappeler {candidate.display_name} (visite)", "start_date": today + timedelta(days=1),
                          "related_kind": "candidate", "related_id": candidate.id})
    for data in reminders:
        create_reminder(session, actor=actor, data={**data, "staff_id": staff[0].id if staff else None})
    session.flush()
    return {"tasks": len(TASKS), "tickets": len(TICKETS), "reminders": len(reminders)}
