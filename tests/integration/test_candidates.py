"""Candidates: creation rules from the settings, the board, conversion, statuses, tags, analytics."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from homecrm import clock
from homecrm.crm import candidate_analytics as analytics_mod
from homecrm.crm.candidate_board import board, cards_csv, count_candidates, list_candidates
from homecrm.crm.candidate_pipeline import delete_source, delete_status, list_sources, list_statuses, save_source, save_status
from homecrm.crm.candidates import (
    DuplicateCandidate,
    convert_candidate,
    create_candidate,
    delete_candidate,
    move_candidate,
    update_candidate,
)
from homecrm.crm.customers import create_customer, list_customers
from homecrm.crm.tags import create_tag, delete_tag, list_tags, merge_tags, rename_tag, set_tags, tags_of
from homecrm.errors import ConflictError, ValidationError
from homecrm.security.accounts import create_user
from homecrm.security.principal import PermissionDenied
from homecrm.settings import save_section
from homecrm.settings.sections import CandidateSettings
from homecrm.store.models import Candidate, CandidateStatusChange, Contact, Customer, Tagging
from tests.factories import ACTOR, make_staff


def status_id(session, name: str) -> int:
    return next(s.id for s in list_statuses(session) if s.name == name)


def source_id(session, name: str) -> int:
    return next(s.id for s in list_sources(session) if s.name == name)


def test_new_candidate_takes_default_status_and_source_from_settings(db):
    with db.write() as session:
        first = create_candidate(session, actor=ACTOR, data={"first_name": "Zoé", "last_name": "Martin"})
        assert first.status.name == "Nouveau" and first.source_id is None
        save_section(session, CandidateSettings, {"default_status": status_id(session, "Contacté"),
                                                  "default_source": source_id(session, "PAP")}, actor=ACTOR)
        second = create_candidate(session, actor=ACTOR, data={"last_name": "Durand", "email": "d@example.fr",
                                                              "budget": "1 050,00", "tags": ["VIP", "vip", "garant"]})
        assert (second.status.name, second.source.name, second.budget) == ("Contacté", "PAP", Decimal("1050.00"))
        assert tags_of(session, "candidate", [second.id])[second.id] == ["VIP", "garant"]
        history = session.scalars(select(CandidateStatusChange.status_id).where(
            CandidateStatusChange.candidate_id == second.id)).all()
        assert history == [status_id(session, "Contacté")]


@pytest.mark.parametrize(("data", "field"), [
    ({}, "last_name"),
    ({"last_name": "X", "email": "not-an-email"}, "email"),
    ({"last_name": "X", "phone": "123"}, "phone"),
    ({"last_name": "X", "budget": "-5"}, "budget"),
    ({"last_name": "X", "budget": "12,345"}, "budget"),
    ({"last_name": "X", "move_in": "2026-02-31"}, "move_in"),
    ({"last_name": "X", "source_id": 999}, "source_id"),
    ({"last_name": "X", "last_contact": "2099-01-01"}, "last_contact"),  # the import refuses it too
])
def test_bad_candidate_input_names_the_field(db, data, field):
    with pytest.raises(ValidationError) as exc, db.write() as session:
        create_candidate(session, actor=ACTOR, data=data)
    assert exc.value.field == field
    with db.read() as session:
        assert session.scalar(select(func.count(Candidate.id))) == 0


def test_duplicates_are_flagged_on_the_configured_fields(db):
    with db.write() as session:
        create_candidate(session, actor=ACTOR, data={"first_name": "Ana", "last_name": "Roy", "email": "ana@example.fr",
                                                     "phone": "06 12 34 56 78"})
    with pytest.raises(DuplicateCandidate, match="Ana Roy"), db.write() as session:
        create_candidate(session, actor=ACTOR, data={"last_name": "Autre", "email": "ANA@example.fr"})
    with pytest.raises(DuplicateCandidate), db.write() as session:
        create_candidate(session, actor=ACTOR, data={"last_name": "Autre", "phone": "+33612345678"})
    with db.write() as session:  # the name is not checked by default
        create_candidate(session, actor=ACTOR, data={"first_name": "Ana", "last_name": "Roy"})
        save_section(session, CandidateSettings, {"duplicate_fields": ["name"]}, actor=ACTOR)
    with pytest.raises(DuplicateCandidate), db.write() as session:
        create_candidate(session, actor=ACTOR, data={"first_name": "ana", "last_name": "ROY"})
    with db.write() as session:  # e-mail no longer checked
        create_candidate(session, actor=ACTOR, data={"last_name": "Tiers", "email": "ana@example.fr"})


def test_board_columns_limits_and_sort(db):
    with db.write() as session:
        save_section(session, CandidateSettings, {"max_cards_per_status": 2}, actor=ACTOR)
        for i, day in enumerate([3, 1, 2]):
            with clock.frozen(datetime(2026, 3, day, 12, tzinfo=UTC)):
                create_candidate(session, actor=ACTOR, data={"last_name": f"N{i}", "budget": str(500 + i * 100)})
        columns = board(session, actor=ACTOR)
        new = columns[0]
        assert [c.name for c in columns] == ["Nouveau", "Contacté", "Visite planifiée", "Dossier reçu", "Converti", "Perdu"]
        assert (new.total, [c.last_name for c in new.cards]) == (3, ["N0", "N2"])  # newest first, 2 shown
        assert [c.last_name for c in board(session, actor=ACTOR, limits={new.status_id: 10})[0].cards] == ["N0", "N2", "N1"]
        save_section(session, CandidateSettings, {"default_sort": "budget", "default_sort_descending": False}, actor=ACTOR)
        assert [c.last_name for c in board(session, actor=ACTOR)[0].cards] == ["N0", "N1"]


def test_board_filters_by_source_tag_and_assignee(db):
    with db.write() as session:
        staff = create_user(session, actor=ACTOR, data={"name": "Léa", "email": "lea@example.fr"},
                            password="a-long-password-1")
        create_candidate(session, actor=ACTOR, data={"last_name": "A", "source_id": source_id(session, "PAP"),
                                                     "tags": ["urgent"]})
        create_candidate(session, actor=ACTOR, data={"last_name": "B", "assigned_to_id": staff.id})
        create_candidate(session, actor=ACTOR, data={"last_name": "C", "tags": ["Urgent"]})

        def names(**filters):
            return sorted(c.last_name for column in board(session, actor=ACTOR, **filters) for c in column.cards)

        assert names(source_id=source_id(session, "PAP")) == ["A"]
        assert names(tag="URGENT") == ["A", "C"]
        assert names(assigned_to_id=staff.id) == ["B"]
        assert names(search="b") == ["B"]
        assert count_candidates(session, actor=ACTOR, tag="urgent") == 2
        assert [c.last_name for c in list_candidates(session, actor=ACTOR, tag="urgent", sort="name",
                                                     descending=False)] == ["A", "C"]


def test_moving_cards_records_history_and_the_won_column_needs_a_conversion(db):
    with db.write() as session:
        cand = create_candidate(session, actor=ACTOR, data={"last_name": "Petit"})
        move_candidate(session, actor=ACTOR, candidate_id=cand.id, status_id=status_id(session, "Visite planifiée"))
        assert cand.last_contact == clock.today()
        with pytest.raises(ValidationError, match="Convert|Convertissez"):
            move_candidate(session, actor=ACTOR, candidate_id=cand.id, status_id=status_id(session, "Converti"))
        move_candidate(session, actor=ACTOR, candidate_id=cand.id, status_id=status_id(session, "Perdu"),
                       lost_reason="  Trop  cher ")
        assert cand.lost_reason == "Trop cher"
        assert session.scalar(select(func.count(CandidateStatusChange.id)).where(
            CandidateStatusChange.candidate_id == cand.id)) == 3


def test_conversion_creates_the_tenant_once_linked_both_ways(db):
    with db.write() as session:
        cand = create_candidate(session, actor=ACTOR, data={"first_name": "Hugo", "last_name": "Blanc",
                                                            "email": "hugo@example.fr", "phone": "0612345678"})
        customer = convert_candidate(session, actor=ACTOR, candidate_id=cand.id)
        assert (customer.first_name, customer.last_name, customer.email, customer.phone) == (
            "Hugo", "Blanc", "hugo@example.fr", "+33612345678")
        assert cand.customer_id == customer.id and customer.candidate is cand
        assert cand.converted_at is not None and cand.status.kind == "won"
        contact = session.scalar(select(Contact).where(Contact.customer_id == customer.id))
        assert contact.is_primary and contact.email == "hugo@example.fr"
        with pytest.raises(ConflictError):
            convert_candidate(session, actor=ACTOR, candidate_id=cand.id)
        assert session.scalar(select(func.count(Customer.id))) == 1
        save_section(session, CandidateSettings, {"converted_contact_is_admin": False}, actor=ACTOR)
        other = create_candidate(session, actor=ACTOR, data={"last_name": "Noir"})
        second = convert_candidate(session, actor=ACTOR, candidate_id=other.id)
        assert session.scalar(select(func.count(Contact.id)).where(Contact.customer_id == second.id)) == 0


def test_converted_candidates_are_locked_for_staff_unless_the_setting_says_otherwise(db):
    with db.write() as session:
        staff = make_staff(session, email="sam@example.fr",
                           permissions={("candidates", r) for r in ("view", "create", "edit", "delete")})
        cand = create_candidate(session, actor=ACTOR, data={"last_name": "Gris"})
        convert_candidate(session, actor=ACTOR, candidate_id=cand.id)
        cand_id = cand.id
    with pytest.raises(ConflictError), db.write() as session:
        update_candidate(session, actor=staff, candidate_id=cand_id, data={"last_name": "Changé"})
    with db.write() as session:  # administrators may
        update_candidate(session, actor=ACTOR, candidate_id=cand_id, data={"last_name": "Gris", "notes": "ok"})
        save_section(session, CandidateSettings, {"lock_converted": False}, actor=ACTOR)
    with db.write() as session:
        update_candidate(session, actor=staff, candidate_id=cand_id, data={"last_name": "Gris", "notes": "staff"})


def test_staff_with_view_own_see_only_their_candidates(db):
    with db.write() as session:
        staff = make_staff(session, email="sam@example.fr", permissions={("candidates", "view_own")})
        create_candidate(session, actor=ACTOR, data={"last_name": "Other"})
        create_candidate(session, actor=ACTOR, data={"last_name": "Mine", "assigned_to_id": staff.user_id})
    with db.read() as session:
        assert [c.last_name for c in list_candidates(session, actor=staff)] == ["Mine"]
    with pytest.raises(PermissionDenied), db.write() as session:
        create_candidate(session, actor=staff, data={"last_name": "X"})


def test_statuses_and_sources_editing(db):
    with db.write() as session:
        status = save_status(session, actor=ACTOR, name="Relance", color="#123456")
        assert list_statuses(session)[-1].id == status.id
        with pytest.raises(ValidationError, match="Relance"):
            save_status(session, actor=ACTOR, name="relance", color="#123456")
        with pytest.raises(ValidationError) as exc:
            save_status(session, actor=ACTOR, name="Bleu", color="blue")
        assert exc.value.field == "color"
        cand = create_candidate(session, actor=ACTOR, data={"last_name": "A", "status_id": status.id,
                                                            "source_id": source_id(session, "PAP")})
        with pytest.raises(ConflictError):
            delete_status(session, actor=ACTOR, status_id=status.id)
        delete_source(session, actor=ACTOR, source_id=source_id(session, "PAP"))
        session.refresh(cand)
        assert cand.source_id is None  # the candidate stays, without its source
        save_source(session, actor=ACTOR, name="Instagram")
        assert "Instagram" in [s.name for s in list_sources(session)]


def test_deleting_a_candidate_removes_its_tags(db):
    with db.write() as session:
        cand = create_candidate(session, actor=ACTOR, data={"last_name": "A", "tags": ["x"]})
        delete_candidate(session, actor=ACTOR, candidate_id=cand.id)
        assert session.scalar(select(func.count(Tagging.id))) == 0


def test_tags_rename_merge_delete_with_usage_counts(db):
    with db.write() as session:
        tenant = create_customer(session, actor=ACTOR, data={"last_name": "Locataire"})
        cand = create_candidate(session, actor=ACTOR, data={"last_name": "A", "tags": ["Garant", "Urgent"]})
        other = create_candidate(session, actor=ACTOR, data={"last_name": "B", "tags": ["garant visale"]})
        set_tags(session, actor=ACTOR, entity="tenant", entity_id=tenant.id, names=["Urgent"])
        rows = {t.name: t for t in list_tags(session)}
        assert rows["Urgent"].usage == {"candidate": 1, "tenant": 1} and rows["Urgent"].total == 2
        with pytest.raises(ValidationError, match="merge|fusionnez"):
            rename_tag(session, actor=ACTOR, tag_id=rows["garant visale"].id, name="GARANT")
        merge_tags(session, actor=ACTOR, source_id=rows["garant visale"].id, target_id=rows["Garant"].id)
        assert tags_of(session, "candidate", [cand.id, other.id]) == {cand.id: ["Garant", "Urgent"], other.id: ["Garant"]}
        # merging into a tag the record already has leaves one tagging, not two
        set_tags(session, actor=ACTOR, entity="candidate", entity_id=other.id, names=["Garant", "Urgent"])
        rows = {t.name: t for t in list_tags(session)}
        merge_tags(session, actor=ACTOR, source_id=rows["Urgent"].id, target_id=rows["Garant"].id)
        assert tags_of(session, "candidate", [other.id]) == {other.id: ["Garant"]}
        assert tags_of(session, "tenant", [tenant.id]) == {tenant.id: ["Garant"]}
        assert [c.name for c in list_customers(session, actor=ACTOR, tag="garant")] == ["Locataire"]
        rename_tag(session, actor=ACTOR, tag_id=rows["Garant"].id, name="Garant solide")
        create_tag(session, actor=ACTOR, name="Vide")
        delete_tag(session, actor=ACTOR, tag_id=rows["Garant"].id)
        assert [t.name for t in list_tags(session)] == ["Vide"]
        assert session.scalar(select(func.count(Tagging.id))) == 0


# analytics: a small dataset computed by hand ------------------------------------------------

def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, tzinfo=UTC)


def test_analytics_match_hand_computed_figures(db):
    """
    Leboncoin: 3 candidates (Jan, Jan, Feb); 2 converted after 10 and 20 days; 1 lost ("Trop cher").
    PAP: 2 candidates (Feb, Mar); 1 converted after 5 days; 1 still at "Visite planifiée".
    No source: 1 candidate (Mar), lost ("Ne répond plus") after reaching "Contacté".
    Expected: rates 66.7 % and 50.0 %; medians 15.0 and 5.0 days; overall median 10.0;
    funnel (furthest stage reached; a conversion passes every stage): Nouveau 6, Contacté 6,
    Visite planifiée 5 (L1, L2, L3, P2 and the converted P1), Dossier reçu 3 (L1, L2, P1), Converti 3.
    """
    with db.write() as session:
        lbc, pap = source_id(session, "Leboncoin"), source_id(session, "PAP")
        st = {s.name: s.id for s in list_statuses(session)}

        def make(name, source, created, path=(), convert_after=None, lost=None):
            with clock.frozen(_at(created)):
                cand = create_candidate(session, actor=ACTOR, data={"last_name": name, "source_id": source})
                for step in path:
                    move_candidate(session, actor=ACTOR, candidate_id=cand.id, status_id=st[step])
            if convert_after is not None:
                with clock.frozen(_at(date.fromordinal(created.toordinal() + convert_after))):
                    convert_candidate(session, actor=ACTOR, candidate_id=cand.id)
            if lost is not None:
                move_candidate(session, actor=ACTOR, candidate_id=cand.id, status_id=st["Perdu"], lost_reason=lost)

        make("L1", lbc, date(2026, 1, 5), ("Contacté", "Visite planifiée", "Dossier reçu"), convert_after=10)
        make("L2", lbc, date(2026, 1, 20), ("Contacté", "Visite planifiée", "Dossier reçu"), convert_after=20)
        make("L3", lbc, date(2026, 2, 1), ("Contacté", "Visite planifiée"), lost="Trop cher")
        make("P1", pap, date(2026, 2, 10), ("Contacté",), convert_after=5)  # skipped stages still count as passed
        make("P2", pap, date(2026, 3, 1), ("Contacté", "Visite planifiée"))
        make("N1", None, date(2026, 3, 2), ("Contacté",), lost="Ne répond plus")
        make("Old", lbc, date(2025, 6, 1))  # outside the period

    with db.read() as session:
        result = analytics_mod.analytics(session, actor=ACTOR, first=date(2026, 1, 1), last=date(2026, 3, 31))
    by_source = {f.source: f for f in result.sources}
    assert (result.total, result.converted, result.rate, result.median_days) == (6, 3, Decimal("50.0"), Decimal("10.0"))
    assert (by_source["Leboncoin"].candidates, by_source["Leboncoin"].converted, by_source["Leboncoin"].lost) == (3, 2, 1)
    assert (by_source["Leboncoin"].rate, by_source["Leboncoin"].median_days) == (Decimal("66.7"), Decimal("15.0"))
    assert (by_source["PAP"].rate, by_source["PAP"].median_days) == (Decimal("50.0"), Decimal("5.0"))
    assert by_source["(sans source)"].lost == 1
    assert result.by_month == {"2026-01": {"Leboncoin": 2}, "2026-02": {"Leboncoin": 1, "PAP": 1},
                               "2026-03": {"PAP": 1, "(sans source)": 1}}
    assert [(s.status, s.reached, s.current) for s in result.funnel] == [
        ("Nouveau", 6, 0), ("Contacté", 6, 0), ("Visite planifiée", 5, 1), ("Dossier reçu", 3, 0), ("Converti", 3, 3)]
    assert result.lost_reasons == [("Ne répond plus", 1), ("Trop cher", 1)]
    csv_text = analytics_mod.to_csv(result).decode("utf-8-sig")
    assert "Leboncoin;3;2;1;66,7;15,0" in csv_text

    with db.read() as session:  # the source filter keeps only PAP
        only_pap = analytics_mod.analytics(session, actor=ACTOR, first=date(2026, 1, 1), last=date(2026, 3, 31),
                                           source_id=source_id(session, "PAP"))
    assert [f.source for f in only_pap.sources] == ["PAP"]


def test_csv_exports_neutralise_formulas(db):
    with db.write() as session:
        create_candidate(session, actor=ACTOR, data={"first_name": "=HYPERLINK(\"http://x\")", "last_name": "-Moins",
                                                     "budget": "650"})
        text = cards_csv(session, list_candidates(session, actor=ACTOR)).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'-Moins" in text and ";650,00;" in text


# QA findings ------------------------------------------------------------------------------------


def test_a_converted_candidate_stays_in_the_won_column(db):
    with db.write() as session:
        cand = create_candidate(session, actor=ACTOR, data={"last_name": "Rousseau"})
        convert_candidate(session, actor=ACTOR, candidate_id=cand.id)
        with pytest.raises(ValidationError, match="locataire|tenant"):
            move_candidate(session, actor=ACTOR, candidate_id=cand.id, status_id=status_id(session, "Nouveau"))
        with pytest.raises(ValidationError):
            update_candidate(session, actor=ACTOR, candidate_id=cand.id,
                             data={"last_name": "Rousseau", "status_id": status_id(session, "Nouveau")})


def test_moving_to_lost_needs_a_reason(db):
    with db.write() as session:
        cand = create_candidate(session, actor=ACTOR, data={"last_name": "Perrin"})
        with pytest.raises(ValidationError) as exc:
            move_candidate(session, actor=ACTOR, candidate_id=cand.id, status_id=status_id(session, "Perdu"),
                           lost_reason="  ")
        assert exc.value.field == "lost_reason"


def test_converting_someone_who_already_is_a_tenant_asks_to_link(db):
    from homecrm.crm.candidates import link_to_tenant

    with db.write() as session:
        tenant = create_customer(session, actor=ACTOR, data={"last_name": "Moreau", "email": "jm@example.fr"})
        cand = create_candidate(session, actor=ACTOR, data={"last_name": "Moreau", "email": "JM@example.fr"})
        with pytest.raises(ConflictError, match=str(tenant.id)):
            convert_candidate(session, actor=ACTOR, candidate_id=cand.id)
        link_to_tenant(session, actor=ACTOR, candidate_id=cand.id, customer_id=tenant.id)
        assert cand.customer_id == tenant.id and session.scalar(select(func.count(Customer.id))) == 1


def test_search_by_phone_as_typed_and_by_full_name(db):
    with db.write() as session:
        create_candidate(session, actor=ACTOR, data={"first_name": "Élodie", "last_name": "Lefèvre",
                                                     "phone": "06 11 22 33 44"})
        create_candidate(session, actor=ACTOR, data={"first_name": "Autre", "last_name": "Personne"})
        for text in ("06 11 22 33 44", "0611223344", "Élodie Lefèvre", "lefèvre élodie", "ÉLODIE"):
            assert [c.last_name for c in list_candidates(session, actor=ACTOR, search=text)] == ["Lefèvre"], text
        assert list_candidates(session, actor=ACTOR, search="%") == []


def test_duplicate_message_names_the_field_and_hides_what_staff_cannot_see(db):
    with db.write() as session:
        create_candidate(session, actor=ACTOR, data={"first_name": "Ana", "last_name": "Roy", "email": "ana@example.fr"})
        with pytest.raises(DuplicateCandidate) as exc:
            create_candidate(session, actor=ACTOR, data={"last_name": "X", "email": "ana@example.fr"})
        assert "Ana Roy" in str(exc.value) and "e-mail" in str(exc.value) and "phone" not in str(exc.value)
        own = make_staff(session, email="sam@example.fr", permissions={("candidates", "view_own"), ("candidates", "create")})
    with pytest.raises(DuplicateCandidate) as exc, db.write() as session:
        create_candidate(session, actor=own, data={"last_name": "X", "email": "ana@example.fr"})
    assert "Ana" not in str(exc.value) and "#" not in str(exc.value)


def test_a_deleted_default_source_no_longer_breaks_new_candidates(db):
    with db.write() as session:
        pap = source_id(session, "PAP")
        save_section(session, CandidateSettings, {"default_source": pap}, actor=ACTOR)
        delete_source(session, actor=ACTOR, source_id=pap)
    with db.write() as session:
        cand = create_candidate(session, actor=ACTOR, data={"last_name": "Roux"})
        assert cand.source_id is None


def test_default_status_must_be_an_open_one(db):
    with db.write() as session:
        for name in ("Converti", "Perdu"):
            with pytest.raises(ValidationError) as err:
                save_section(session, CandidateSettings, {"default_status": status_id(session, name)}, actor=ACTOR)
            assert err.value.field == "default_status" and name in str(err.value)


def test_deleting_a_converted_tenant_opens_the_candidate_again(db):
    with db.write() as session:
        cand = create_candidate(session, actor=ACTOR, data={"first_name": "Hugo", "last_name": "Blanc"})
        customer = convert_candidate(session, actor=ACTOR, candidate_id=cand.id)
    with db.write() as session:
        from homecrm.crm.customers import delete_customer

        delete_customer(session, actor=ACTOR, customer_id=customer.id)
    with db.write() as session:
        again = session.get(Candidate, cand.id)
        assert again.customer_id is None and again.converted_at is None and again.status.kind == "open"
        assert convert_candidate(session, actor=ACTOR, candidate_id=cand.id).last_name == "Blanc"


def test_deleted_tenants_and_drafts_leave_no_tags_for_the_next_record(db, frozen_today):
    from homecrm.billing.documents import create_draft, delete_draft
    from homecrm.billing.periods import Month
    from homecrm.crm.customers import delete_customer
    from tests.factories import make_lease

    with db.write() as session:
        gone = create_customer(session, actor=ACTOR, data={"last_name": "Ancien"})
        set_tags(session, actor=ACTOR, entity="tenant", entity_id=gone.id, names=["Orphelin"])
        lease = make_lease(session)
        draft = create_draft(session, actor=ACTOR, lease_id=lease.id, month=Month(2026, 4))
        set_tags(session, actor=ACTOR, entity="document", entity_id=draft.id, names=["Orphelin"])
        gone_id, draft_id = gone.id, draft.id
    with db.write() as session:
        delete_customer(session, actor=ACTOR, customer_id=gone_id)
        delete_draft(session, actor=ACTOR, document_id=draft_id)
    with db.read() as session:
        assert session.scalar(select(func.count(Tagging.id))) == 0
        assert next(t for t in list_tags(session) if t.name == "Orphelin").usage == {}


def test_days_are_the_landlords_not_utcs_just_after_midnight_in_paris(db):
    """00:30 in Paris on 5 December is still 4 December in UTC: the card, the analytics and the
    audit trail all say 5 December."""
    from homecrm.security.accounts import create_admin, principal_for
    from homecrm.security.audit import list_entries

    with clock.frozen(datetime(2026, 12, 1, 9, tzinfo=UTC)), db.write() as session:
        admin = principal_for(create_admin(session, email="a@test.fr", name="A", password="correct horse battery"))
    with clock.frozen(datetime(2026, 12, 4, 23, 30, tzinfo=UTC)), db.write() as session:
        candidate_id = create_candidate(session, actor=admin, data={"last_name": "Minuit"}).id
    with clock.frozen(datetime(2026, 12, 4, 23, 45, tzinfo=UTC)), db.read() as session:
        (card,) = [c for c in list_candidates(session, actor=admin) if c.id == candidate_id]
        assert card.created == date(2026, 12, 5)
        assert analytics_mod.analytics(session, actor=admin, first=date(2026, 12, 5), last=date(2026, 12, 5)).total == 1
        assert analytics_mod.analytics(session, actor=admin, first=date(2026, 12, 4), last=date(2026, 12, 4)).total == 0
        day = list_entries(session, actor=admin, since=date(2026, 12, 5), until=date(2026, 12, 5))
        assert [r.entity for r in day] == ["candidate"]
        assert list_entries(session, actor=admin, since=date(2026, 12, 4), until=date(2026, 12, 4)) == []


def test_create_only_roles_may_tag_what_they_create_and_conversion_names_no_hidden_tenant(db):
    from homecrm.crm.candidates import convert_candidate

    with db.write() as session:
        create_customer(session, actor=ACTOR, data={"last_name": "Girard", "email": "sophie@example.fr"})
        maker = make_staff(session, email="maker@example.fr", permissions={
            ("candidates", "view_own"), ("candidates", "create"), ("candidates", "edit"),
            ("tenants", "view_own"), ("tenants", "create")})
        only_create = make_staff(session, email="create@example.fr",
                                 permissions={("candidates", "view_own"), ("candidates", "create")})
        tagged = create_candidate(session, actor=only_create, data={"last_name": "Tag", "tags": ["vip"]})
        assert tags_of(session, "candidate", [tagged.id])[tagged.id] == ["vip"]
        twin = create_candidate(session, actor=maker, data={"last_name": "Girard", "email": "sophie@example.fr"})
        with pytest.raises(ConflictError) as refused:
            convert_candidate(session, actor=maker, candidate_id=twin.id)
        assert "Girard" not in str(refused.value) and "ne suivez pas" in str(refused.value)
