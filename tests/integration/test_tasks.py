"""Tasks: every Paramètres > Tâches setting flipped and observed; timers, visibility, timesheets."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from homecrm import clock
from homecrm.errors import ConflictError, ValidationError
from homecrm.security.accounts import create_user, principal_for, save_role
from homecrm.security.principal import PermissionDenied
from homecrm.settings import save_section
from homecrm.settings.sections import TaskSettings
from homecrm.statuses import list_statuses
from homecrm.store.models import Property, RentDocument, StaffUser, TaskStatus
from homecrm.tasks import timers
from homecrm.tasks.board import board, list_tasks
from homecrm.tasks.tasks import (
    add_checklist_item,
    add_comment,
    check_item,
    create_task,
    delete_comment,
    delete_status,
    edit_comment,
    get_task,
    move_task,
    save_status,
    set_property_team,
    update_task,
)
from homecrm.tasks.timesheets import bill_time, rows_for_lease, time_rows, totals
from tests.factories import ACTOR, make_lease

T0 = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)


def status(session, name: str) -> int:
    return next(s.id for s in list_statuses(session, TaskStatus) if s.name == name)


def staff(session, name: str, *, role: str = "Gestionnaire"):
    from homecrm.store.models import Role

    role_id = session.scalar(select(Role.id).where(Role.name == role))
    user = create_user(session, actor=ACTOR, data={"name": name, "email": f"{name.lower()}@example.fr",
                                                   "role_id": role_id}, password="a-long-password-1")
    return user, principal_for(user)


@pytest.mark.parametrize(("seconds", "step", "mode", "expected"), [
    (7 * 60, 0, "up", 7), (7 * 60 + 29, 0, "up", 7), (7 * 60 + 30, 0, "nearest", 8), (10, 0, "down", 1),
    (7 * 60, 5, "up", 10), (7 * 60, 5, "down", 5), (7 * 60, 5, "nearest", 5), (7 * 60 + 30, 5, "nearest", 10),
    (22 * 60, 15, "up", 30), (22 * 60, 15, "down", 15), (22 * 60, 15, "nearest", 15), (23 * 60, 15, "nearest", 30),
    (60, 30, "up", 30), (60, 30, "down", 30), (60, 30, "nearest", 30), (46 * 60, 30, "nearest", 60),
    (61 * 60, 60, "up", 120), (61 * 60, 60, "down", 60), (89 * 60, 60, "nearest", 60), (90 * 60, 60, "nearest", 120),
    (15 * 60, 10, "up", 20), (15 * 60, 10, "nearest", 20), (14 * 60, 10, "nearest", 10), (5, 10, "down", 10),
])
def test_timer_rounding_table(seconds, step, mode, expected):
    assert timers.round_minutes(seconds, step, mode) == expected


def test_defaults_auto_assign_creator_follows_and_billable(db):
    with db.write() as session:
        lea, lea_p = staff(session, "Lea")
        plain = create_task(session, actor=lea_p, data={"title": "Réparer la chaudière"})
        assert (plain.status.name, plain.priority, plain.billable) == ("À faire", "medium", True)
        assert [u.name for u in plain.followers] == ["Lea"] and plain.assignees == []
        save_section(session, TaskSettings, {"default_status": status(session, "En attente"), "default_priority": "high",
                                             "auto_assign_to": lea.id, "creator_follows": False,
                                             "billable_default": False}, actor=ACTOR)
        other = create_task(session, actor=lea_p, data={"title": "Visite"})
        assert (other.status.name, other.priority, other.billable) == ("En attente", "high", False)
        assert [u.name for u in other.assignees] == ["Lea"] and other.followers == []


@pytest.mark.parametrize(("data", "field"), [
    ({"title": ""}, "title"),
    ({"title": "x", "priority": "critical"}, "priority"),
    ({"title": "x", "start_date": date(2026, 3, 10), "due_date": date(2026, 3, 1)}, "due_date"),
    ({"title": "x", "related_kind": "property", "related_id": 999}, "related_id"),
    ({"title": "x", "status_id": 999}, "status_id"),
    ({"title": "x", "assignee_ids": [999]}, "assignee_ids"),
    ({"title": "x", "hourly_rate": "-5"}, "hourly_rate"),
])
def test_bad_task_input_names_the_field(db, data, field):
    with pytest.raises(ValidationError) as exc, db.write() as session:
        create_task(session, actor=ACTOR, data=data)
    assert exc.value.field == field


def test_timer_start_stop_rounding_stop_others_and_status_change(db):
    with db.write() as session:
        _user, lea = staff(session, "Lea")
        a = create_task(session, actor=lea, data={"title": "A"})
        b = create_task(session, actor=lea, data={"title": "B"})
        save_section(session, TaskSettings, {"timer_rounding": 15, "timer_rounding_mode": "up"}, actor=ACTOR)
        a_id, b_id = a.id, b.id
    with clock.frozen(T0), db.write() as session:
        entry = timers.start_timer(session, actor=lea, task_id=a_id)
        assert get_task(session, a_id, actor=lea).status.name == "En cours"  # moved from "À faire"
        with pytest.raises(ConflictError):
            timers.start_timer(session, actor=lea, task_id=a_id)
        first_id = entry.id
    with clock.frozen(T0 + timedelta(minutes=7)), db.write() as session:
        timers.start_timer(session, actor=lea, task_id=b_id)  # stops A
        assert [t.task_id for t in timers.running(session, lea.user_id)] == [b_id]
    with clock.frozen(T0 + timedelta(minutes=40)), db.write() as session:
        stopped = timers.stop_task_timer(session, actor=lea, task_id=b_id)
        assert stopped.minutes == 45  # 33 min rounded up to 15
        from homecrm.store.models import TimeEntry

        assert session.get(TimeEntry, first_id).minutes == 15
        with pytest.raises(ConflictError, match="already stopped|déjà arrêté"):
            timers.stop_timer(session, actor=lea, entry_id=stopped.id)


def test_timer_settings_off_keep_others_running_and_status(db):
    with db.write() as session:
        _user, lea = staff(session, "Lea")
        save_section(session, TaskSettings, {"stop_other_timers": False, "timer_moves_to_in_progress": False},
                     actor=ACTOR)
        a = create_task(session, actor=lea, data={"title": "A"})
        b = create_task(session, actor=lea, data={"title": "B"})
        timers.start_timer(session, actor=lea, task_id=a.id)
        timers.start_timer(session, actor=lea, task_id=b.id)
        assert len(timers.running(session, lea.user_id)) == 2
        assert a.status.name == "À faire"


def test_manual_entries_refuse_zero_negative_and_future(db):
    with db.write() as session:
        _user, lea = staff(session, "Lea")
        task = create_task(session, actor=lea, data={"title": "A"})
        for minutes in (0, -30, 24 * 60 + 1):
            with pytest.raises(ValidationError) as exc:
                timers.log_time(session, actor=lea, task_id=task.id, minutes=minutes, on=date(2026, 3, 1))
            assert exc.value.field == "minutes"
        with pytest.raises(ValidationError):
            timers.log_time(session, actor=lea, task_id=task.id, minutes=30, on=clock.today() + timedelta(days=1))
        assert timers.log_time(session, actor=lea, task_id=task.id, minutes=90, on=date(2026, 3, 1)).minutes == 90
    assert [timers.parse_duration(t) for t in ("1:30", "1 h 30", "1h", "90", "1,5 h", "45 min")] == [90, 90, 60, 90, 90, 45]
    with pytest.raises(ValidationError):
        timers.parse_duration("une heure")


def test_visibility_by_property_team_and_the_setting(db):
    with db.write() as session:
        _u1, lea = staff(session, "Lea")
        tom_user, tom = staff(session, "Tom")
        prop = Property(name="Les Tilleuls", address="1 rue", zip_code="69003", city="Lyon")
        session.add(prop)
        session.flush()
        task = create_task(session, actor=lea, data={"title": "Toiture", "related_kind": "property",
                                                     "related_id": prop.id})
        task_id, prop_id = task.id, prop.id
    with db.read() as session:
        assert list_tasks(session, actor=tom) == []
        with pytest.raises(PermissionDenied):
            get_task(session, task_id, actor=tom)
    with db.write() as session:
        set_property_team(session, actor=ACTOR, property_id=prop_id, user_ids=[tom_user.id])
    with db.read() as session:
        assert [c.title for c in list_tasks(session, actor=tom)] == ["Toiture"]
    with db.write() as session:
        set_property_team(session, actor=ACTOR, property_id=prop_id, user_ids=[])
        save_section(session, TaskSettings, {"all_staff_see_property_tasks": True}, actor=ACTOR)
    with db.read() as session:
        assert [c.title for c in list_tasks(session, actor=tom)] == ["Toiture"]


def test_comment_edit_window(db):
    with db.write() as session:
        _u, lea = staff(session, "Lea")
        task = create_task(session, actor=lea, data={"title": "A"})
        with clock.frozen(T0):
            comment = add_comment(session, actor=lea, task_id=task.id, body="Artisan appelé")
        comment_id = comment.id
    with clock.frozen(T0 + timedelta(minutes=59)), db.write() as session:
        edit_comment(session, actor=lea, comment_id=comment_id, body="Artisan rappelé")
    with clock.frozen(T0 + timedelta(minutes=61)), db.write() as session:
        with pytest.raises(ConflictError, match="first hour|première heure"):
            edit_comment(session, actor=lea, comment_id=comment_id, body="Trop tard")
        edit_comment(session, actor=ACTOR, comment_id=comment_id, body="L'administrateur peut")  # admins excepted
        save_section(session, TaskSettings, {"comment_edit_first_hour_only": False}, actor=ACTOR)
    with clock.frozen(T0 + timedelta(days=3)), db.write() as session:
        delete_comment(session, actor=lea, comment_id=comment_id)


def test_board_limit_moves_and_done_date(db):
    with db.write() as session:
        save_section(session, TaskSettings, {"kanban_limit": 2}, actor=ACTOR)
        ids = [create_task(session, actor=ACTOR, data={"title": f"T{i}", "priority": p}).id
               for i, p in enumerate(["low", "urgent", "medium"])]
        columns = board(session, actor=ACTOR)
        assert [c.name for c in columns] == ["À faire", "En cours", "En attente", "Terminé"]
        assert columns[0].total == 3 and [c.title for c in columns[0].cards] == ["T1", "T2"]  # urgent first
        task = move_task(session, actor=ACTOR, task_id=ids[0], status_id=status(session, "Terminé"))
        assert task.completed_at is not None
        move_task(session, actor=ACTOR, task_id=ids[0], status_id=status(session, "En cours"))
        assert task.completed_at is None
        with pytest.raises(ValidationError):
            move_task(session, actor=ACTOR, task_id=ids[0], status_id=999)


def test_checklist_and_statuses(db):
    with db.write() as session:
        task = create_task(session, actor=ACTOR, data={"title": "État des lieux"})
        item = add_checklist_item(session, actor=ACTOR, task_id=task.id, text="Relevé des compteurs")
        check_item(session, actor=ACTOR, item_id=item.id, done=True)
        card = board(session, actor=ACTOR)[0].cards[0]
        assert (card.checklist_done, card.checklist_total) == (1, 1)
        with pytest.raises(ConflictError):
            delete_status(session, actor=ACTOR, status_id=status(session, "À faire"))  # in use
        with pytest.raises(ConflictError):
            delete_status(session, actor=ACTOR, status_id=status(session, "Terminé"))  # the only "done"
        save_status(session, actor=ACTOR, name="Devis demandé", color="#aa5500", kind="waiting")
        delete_status(session, actor=ACTOR, status_id=status(session, "Devis demandé"))


def test_timesheet_and_billing_time_on_a_commercial_draft(db, frozen_today):
    from homecrm.billing.documents import create_draft, remove_line
    from homecrm.billing.periods import Month

    with db.write() as session:
        commercial = make_lease(session, name="Boutique", regime="commercial", rent="1500.00")
        residential = make_lease(session, name="Dupont", unit="Apt 2")
        save_section(session, TaskSettings, {"hourly_rate": "40"}, actor=ACTOR)
        _u, lea = staff(session, "Lea")
        task = create_task(session, actor=lea, data={"title": "Remplacer la vitrine", "related_kind": "lease",
                                                     "related_id": commercial.id})
        e1 = timers.log_time(session, actor=lea, task_id=task.id, minutes=90, on=date(2026, 3, 2))
        e2 = timers.log_time(session, actor=lea, task_id=task.id, minutes=20, on=date(2026, 3, 3))
        e3 = timers.log_time(session, actor=lea, task_id=task.id, minutes=30, on=date(2026, 3, 3), billable=False)
        draft = create_draft(session, actor=ACTOR, lease_id=commercial.id, month=Month(2026, 4))
        home = create_draft(session, actor=ACTOR, lease_id=residential.id, month=Month(2026, 4))
        rows = time_rows(session, actor=ACTOR, first=date(2026, 3, 1), last=date(2026, 3, 31))
        assert totals(rows) == {("Remplacer la vitrine", "Lea"): 140}
        assert [r.id for r in rows_for_lease(session, rows, commercial.id)] == [e1.id, e2.id, e3.id]
        assert rows_for_lease(session, rows, residential.id) == []
        with pytest.raises(ValidationError, match="pas sur ce bail, son locataire ou son bien"):
            bill_time(session, actor=ACTOR, document_id=home.id, entry_ids=[e1.id])  # another tenant's work
        at_home = create_task(session, actor=lea, data={"title": "Fuite", "related_kind": "tenant",
                                                        "related_id": residential.customer_id})
        e4 = timers.log_time(session, actor=lea, task_id=at_home.id, minutes=60, on=date(2026, 3, 4))
        with pytest.raises(ValidationError, match="89-462"):
            bill_time(session, actor=ACTOR, document_id=home.id, entry_ids=[e4.id])
        with pytest.raises(ValidationError, match="Fuite"):  # nothing written: the whole choice is refused
            bill_time(session, actor=ACTOR, document_id=draft.id, entry_ids=[e1.id, e4.id])
        with pytest.raises(ValidationError):
            bill_time(session, actor=ACTOR, document_id=draft.id, entry_ids=[e3.id])  # not billable
        (line_id,) = bill_time(session, actor=ACTOR, document_id=draft.id, entry_ids=[e1.id, e2.id])
        doc = session.get(RentDocument, draft.id)
        line = next(item for item in doc.lines if item.id == line_id)
        assert line.net == Decimal("73.33")  # 110 min × 40 €/h, rounded once
        assert "1 h 50 × 40,00\u00a0€/h" in line.description
        with pytest.raises(ConflictError):
            bill_time(session, actor=ACTOR, document_id=draft.id, entry_ids=[e1.id])  # already invoiced
        remove_line(session, actor=ACTOR, line_id=line_id)
        session.expire_all()
        assert time_rows(session, actor=ACTOR, first=date(2026, 3, 1), last=date(2026, 3, 31), invoiced=False)[0].id == e1.id


def test_staff_without_task_rights_cannot_create(db):
    with db.write() as session:
        role = save_role(session, actor=ACTOR, name="Lecture tâches", description="", permissions=[("tasks", "view")])
        user = create_user(session, actor=ACTOR, data={"name": "Zed", "email": "zed@example.fr", "role_id": role.id},
                           password="a-long-password-1")
        zed = principal_for(user)
        with pytest.raises(PermissionDenied):
            create_task(session, actor=zed, data={"title": "Non"})
        task = create_task(session, actor=ACTOR, data={"title": "Oui"})
        with pytest.raises(PermissionDenied):
            update_task(session, actor=zed, task_id=task.id, data={"title": "Changé"})
        assert session.scalar(select(StaffUser.name).where(StaffUser.id == user.id)) == "Zed"


def test_time_on_next_months_draft_is_issued_with_the_month(db, frozen_today):
    from homecrm.billing.documents import delete_draft, generate_month
    from homecrm.billing.periods import Month
    from homecrm.store.models import TimeEntry
    from homecrm.tasks.timesheets import bill_time_to_lease

    with db.write() as session:
        lease = make_lease(session, name="Boutique", regime="commercial", rent="1500.00")
        save_section(session, TaskSettings, {"hourly_rate": "60"}, actor=ACTOR)
        task = create_task(session, actor=ACTOR, data={"title": "Serrure", "related_kind": "property",
                                                        "related_id": lease.unit.property_id})
        from homecrm.security.accounts import create_admin

        admin = principal_for(create_admin(session, email="a@example.fr", name="A", password="correct horse battery"))
        entry = timers.log_time(session, actor=admin, task_id=task.id, minutes=30, on=date(2026, 3, 2))
        bill_time_to_lease(session, actor=ACTOR, lease_id=lease.id, month=Month(2026, 4), entry_ids=[entry.id])
        draft_id = session.get(TimeEntry, entry.id).line_id and session.scalar(
            select(RentDocument.id).where(RentDocument.state == "draft"))
        delete_draft(session, actor=ACTOR, document_id=draft_id)
        session.expire_all()
        assert session.get(TimeEntry, entry.id).line_id is None  # billable again
        bill_time_to_lease(session, actor=ACTOR, lease_id=lease.id, month=Month(2026, 4), entry_ids=[entry.id])
        result = generate_month(session, actor=ACTOR, month=Month(2026, 4))
        doc = session.get(RentDocument, result.created[0])
        assert doc.state == "issued" and doc.number and doc.total == Decimal("1610.00")  # 1500 + 80 + 30
        with pytest.raises(ConflictError):
            bill_time_to_lease(session, actor=ACTOR, lease_id=lease.id, month=Month(2026, 4), entry_ids=[entry.id])


def test_timesheet_days_are_the_landlords_days_not_utc(db):
    """A timer from 00:10 to 00:50 Paris time on 3 December is on 3 December (23:10 UTC on the 2nd)."""
    with db.write() as session:
        _u, lea = staff(session, "Lea")
        task = create_task(session, actor=lea, data={"title": "Nuit"})
        task_id = task.id
    with clock.frozen(datetime(2026, 12, 2, 23, 10, tzinfo=UTC)), db.write() as session:
        timers.start_timer(session, actor=lea, task_id=task_id)
    with clock.frozen(datetime(2026, 12, 2, 23, 50, tzinfo=UTC)), db.write() as session:
        timers.stop_task_timer(session, actor=lea, task_id=task_id)
    with db.read() as session:
        [row] = time_rows(session, actor=ACTOR, first=date(2026, 12, 3), last=date(2026, 12, 3))
        assert row.day == date(2026, 12, 3) and row.minutes == 40
        assert time_rows(session, actor=ACTOR, first=date(2026, 12, 2), last=date(2026, 12, 2)) == []
