"""Candidates board, dialog, import, tags and analytics pages through AppTest."""

from __future__ import annotations

from sqlalchemy import func, select

from homecrm.crm.candidate_pipeline import list_statuses
from homecrm.crm.candidates import create_candidate
from homecrm.settings import save_section
from homecrm.settings.sections import CandidateSettings
from homecrm.store.models import Candidate, Customer, Tag, Tagging
from tests.app.conftest import button, no_exception, plain
from tests.factories import ACTOR


def _statuses(db) -> dict[str, int]:
    with db.read() as session:
        return {s.name: s.id for s in list_statuses(session)}


def _seed(db, names, **settings):
    with db.write() as session:
        if settings:
            save_section(session, CandidateSettings, settings, actor=ACTOR)
        return [create_candidate(session, actor=ACTOR, data={"last_name": n}).id for n in names]


def test_board_moves_a_card_to_another_status(db, page):
    (cid,) = _seed(db, ["Martin"])
    statuses = _statuses(db)
    at = page("pages/candidates.py")
    no_exception(at)
    assert any("Martin" in m.value and "hc-card" in m.value for m in at.markdown)
    at.selectbox(key=f"card.{cid}.move").set_value(statuses["Visite planifiée"])
    at.run()
    no_exception(at)
    assert any("Visite planifiée" in plain(s.value) for s in at.success)
    with db.read() as session:
        assert session.get(Candidate, cid).status_id == statuses["Visite planifiée"]
    assert at.selectbox(key=f"card.{cid}.move").value == statuses["Visite planifiée"]


def test_moving_to_lost_asks_for_the_reason(db, page):
    (cid,) = _seed(db, ["Perrin"])
    statuses = _statuses(db)
    at = page("pages/candidates.py")
    at.selectbox(key=f"card.{cid}.move").set_value(statuses["Perdu"])
    at.run()
    no_exception(at)
    with db.read() as session:  # not moved until the reason is confirmed
        assert session.get(Candidate, cid).status_id == statuses["Nouveau"]
    at.text_input(key="candidates.lost_reason").input("Garant insuffisant")
    at.button(key="candidates.lost_confirm").click()
    at.run()
    no_exception(at)
    with db.read() as session:
        candidate = session.get(Candidate, cid)
        assert (candidate.status_id, candidate.lost_reason) == (statuses["Perdu"], "Garant insuffisant")


def test_per_status_limit_and_show_more(db, page):
    _seed(db, ["A", "B", "C"], max_cards_per_status=2)
    at = page("pages/candidates.py")
    no_exception(at)
    cards = [m.value for m in at.markdown if "hc-card" in m.value]
    assert len(cards) == 2
    more = [b for b in at.button if b.key and b.key.startswith("candidates.more.")]
    assert len(more) == 1 and "1" in more[0].label
    more[0].click()
    at.run()
    no_exception(at)
    assert len([m for m in at.markdown if "hc-card" in m.value]) == 3


def test_create_in_the_dialog_and_duplicates_are_refused(db, page):
    at = page("pages/candidates.py")
    at.button(key="candidates.new").click()
    at.run()
    no_exception(at)
    at.text_input(key="candidate.first_name").input("Inès")
    at.text_input(key="candidate.last_name").input("Roux")
    at.text_input(key="candidate.email").input("ines@example.fr")
    at.text_input(key="candidate.budget").input("1 050,50")
    at.multiselect(key="candidate.tags").set_value(["Étudiant"])
    button(at, "Créer le candidat").click()
    at.run()
    no_exception(at)
    with db.read() as session:
        cand = session.scalar(select(Candidate))
        assert (cand.first_name, cand.email, str(cand.budget)) == ("Inès", "ines@example.fr", "1050.50")
        assert session.scalar(select(Tag.name)) == "Étudiant"
    at.button(key="candidates.new").click()
    at.run()
    at.text_input(key="candidate.last_name").input("Autre")
    at.text_input(key="candidate.email").input("INES@example.fr")
    button(at, "Créer le candidat").click()
    at.run()
    no_exception(at)
    assert any("Inès Roux" in plain(e.value) for e in at.error)
    with db.read() as session:
        assert session.scalar(select(func.count(Candidate.id))) == 1


def test_convert_from_the_card_once(db, page):
    (cid,) = _seed(db, ["Garnier"])
    at = page("pages/candidates.py")
    at.button(key=f"card.{cid}.convert").click()
    at.run()
    no_exception(at)
    with db.read() as session:
        assert session.get(Candidate, cid).customer_id is not None
        assert session.scalar(select(func.count(Customer.id))) == 1
    assert not [b for b in at.button if b.key == f"card.{cid}.convert"]


def test_converted_card_is_locked_for_staff(db, page):
    from homecrm.crm.candidates import convert_candidate
    from homecrm.security.accounts import create_user, save_role

    with db.write() as session:
        role = save_role(session, actor=ACTOR, name="Leads", description="",
                         permissions=[("candidates", r) for r in ("view", "create", "edit", "delete")])
        create_user(session, actor=ACTOR, data={"name": "Sam", "email": "sam@example.fr", "role_id": role.id},
                    password="a-long-password-1").must_change_password = False
        cid = create_candidate(session, actor=ACTOR, data={"last_name": "Locked"}).id
        convert_candidate(session, actor=ACTOR, candidate_id=cid)
    at = page("pages/candidates.py", user="sam@example.fr")
    no_exception(at)
    assert at.selectbox(key=f"card.{cid}.move").disabled
    at = page("pages/candidates.py", user="sam@example.fr", **{"candidates.dialog": ("edit", cid)})
    no_exception(at)
    popovers = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None and type(proto).__name__ == "Block" and proto.WhichOneof("type") == "popover":
            popovers.append(proto.popover)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    assert popovers and all(p.disabled for p in popovers)  # "Delete" too, like "Save"


def test_list_view_filters_and_exports(db, page):
    with db.write() as session:
        create_candidate(session, actor=ACTOR, data={"last_name": "Tagged", "tags": ["VIP"]})
        create_candidate(session, actor=ACTOR, data={"last_name": "Plain"})
    at = page("pages/candidates.py", **{"candidates.view": "list"})
    no_exception(at)
    assert at.metric[0].value == "2"
    at.selectbox(key="candidates.tag").set_value("VIP")
    at.run()
    assert at.metric[0].value == "1"
    assert list(at.dataframe[0].value.iloc[:, 1]) == ["Tagged"]
    assert at.get("download_button")[0].label == "Exporter en CSV"


def test_dialog_width_follows_the_setting(db, page):
    (cid,) = _seed(db, ["Wide"], dialog_width="modal-xl")
    at = page("pages/candidates.py", **{"candidates.dialog": ("edit", cid)})
    no_exception(at)
    assert _dialog(at).pixel_width == 1140
    with db.write() as session:
        save_section(session, CandidateSettings, {"dialog_width": "modal-lg"}, actor=ACTOR)
    at.run()
    assert _dialog(at).pixel_width == 800


def _dialog(at):
    """The open dialog's settings (title, width) from the page's element tree."""
    found = []

    def walk(node):
        if getattr(node, "type", None) == "dialog":
            found.append(node.proto.dialog)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    assert found, "no dialog open"
    return found[0]


CSV = "Prénom;Nom;E-mail;Source;Couleur\r\nZoé;Martin;zoe@example.fr;PAP;bleu\r\nLéo;Faux;pas-un-email;;\r\n"


def test_import_page_maps_previews_and_imports_valid_rows(db, page):
    at = page("pages/candidate_import.py")
    no_exception(at)
    at.file_uploader[0].set_value(("candidats.csv", CSV.encode("cp1252"), "text/csv"))
    at.run()
    no_exception(at)
    assert any("Windows-1252" in plain(s.value) for s in at.success)
    preview = at.dataframe[0].value
    assert list(preview.iloc[:, 0]) == [2, 3]
    assert "pas-un-email" in preview.iloc[1, -1]
    at.radio(key="import.mode").set_value("all")
    at.button(key="import.run").click()
    at.run()
    no_exception(at)
    with db.read() as session:
        assert session.scalar(select(func.count(Candidate.id))) == 0  # all or nothing: nothing
    at.radio(key="import.mode").set_value("valid")
    at.button(key="import.run").click()
    at.run()
    no_exception(at)
    assert any("1 candidat" in plain(s.value) for s in at.success)
    with db.read() as session:
        assert session.scalars(select(Candidate.last_name)).all() == ["Martin"]
    at.button(key="import.run").click()  # the same file again: the page asks first
    at.run()
    assert at.warning


def test_import_page_reports_an_unusable_file(db, page):
    at = page("pages/candidate_import.py")
    at.file_uploader[0].set_value(("vide.csv", b"Nom;E-mail\r\n", "text/csv"))
    at.run()
    no_exception(at)
    assert any("noms de colonnes" in plain(e.value) for e in at.error)


def test_tags_page_merges_with_counts(db, page):
    with db.write() as session:
        create_candidate(session, actor=ACTOR, data={"last_name": "A", "tags": ["garant"]})
        create_candidate(session, actor=ACTOR, data={"last_name": "B", "tags": ["Garant Visale"]})
        ids = {t.name: t.id for t in session.scalars(select(Tag))}
    at = page("pages/settings/tags.py")
    no_exception(at)
    assert list(at.dataframe[0].value.iloc[:, -1]) == [1, 1]
    at.selectbox(key="tags.chosen").set_value(ids["Garant Visale"])
    at.run()
    at.selectbox(key=f"tag-{ids['Garant Visale']}.target").set_value(ids["garant"])
    at.run()
    at.button(key=f"tag-{ids['Garant Visale']}.merge").click()
    at.run()
    no_exception(at)
    with db.read() as session:
        assert session.scalars(select(Tag.name)).all() == ["garant"]
        assert session.scalar(select(func.count(Tagging.id))) == 2


def test_analytics_page_on_the_demo(demo_db, page):
    at = page("pages/candidate_analytics.py")
    no_exception(at)
    assert int(at.metric[0].value) > 50
    assert len(at.get("plotly_chart")) == 4
    assert at.get("download_button")[0].label == "Exporter en CSV"


def test_settings_page_adds_a_status_shown_on_the_board(db, page):
    at = page("pages/settings/candidates.py")
    no_exception(at)
    at.text_input(key="status-new.name").input("Relance")
    button(at, "Ajouter le statut").click()
    at.run()
    no_exception(at)
    board = page("pages/candidates.py")
    assert any("Relance" in m.value for m in board.markdown)  # the column header


# QA findings ------------------------------------------------------------------------------------


def test_a_save_does_not_undo_a_change_made_meanwhile_in_another_tab(db, page):
    (cid,) = _seed(db, ["Lefèvre"])
    at = page("pages/candidates.py", **{"candidates.dialog": ("edit", cid)})
    with db.write() as session:  # another tab saves first
        from homecrm.crm.candidates import update_candidate

        update_candidate(session, actor=ACTOR, candidate_id=cid, data={"last_name": "Lefèvre", "phone": "0699001122"})
    at.text_area(key="candidate.notes").input("Rappeler lundi")
    button(at, "Enregistrer").click()
    at.run()
    no_exception(at)
    assert at.error
    with db.read() as session:
        candidate = session.get(Candidate, cid)
        assert (candidate.phone, candidate.notes) == ("+33699001122", "")


def test_list_count_follows_the_status_filter(db, page):
    _seed(db, ["A", "B"])
    statuses = _statuses(db)
    at = page("pages/candidates.py", **{"candidates.view": "list"})
    assert at.metric[0].value == "2"
    at.selectbox(key="candidates.list.status").set_value(statuses["Perdu"])
    at.run()
    assert at.metric[0].value == "0"


def test_names_that_look_like_links_stay_text(db, page):
    with db.write() as session:
        create_candidate(session, actor=ACTOR, data={"first_name": "www.evil.example",
                                                     "last_name": "[Cliquez](https://evil.example)"})
    at = page("pages/candidates.py")
    card = next(m.value for m in at.markdown if "hc-card" in m.value)
    assert "<a" not in card and "[Cliquez](https://evil.example)" in card and "www.evil.example" in card


def test_the_lost_dialog_refuses_an_empty_reason(db, page):
    (cid,) = _seed(db, ["Perrin"])
    statuses = _statuses(db)
    at = page("pages/candidates.py")
    at.selectbox(key=f"card.{cid}.move").set_value(statuses["Perdu"])
    at.run()
    at.button(key="candidates.lost_confirm").click()
    at.run()
    no_exception(at)
    assert any("pourquoi" in plain(e.value) for e in at.error)
    with db.read() as session:
        assert session.get(Candidate, cid).status_id == statuses["Nouveau"]


def test_an_open_dialog_of_a_deactivated_account_signs_it_out_instead_of_crashing(db, page):
    from homecrm.security.accounts import create_user, save_role
    from homecrm.store.models import StaffUser

    with db.write() as session:
        role = save_role(session, actor=ACTOR, name="Leads", description="",
                         permissions=[("candidates", r) for r in ("view", "create", "edit")])
        user = create_user(session, actor=ACTOR, data={"name": "Sam", "email": "sam@example.fr", "role_id": role.id},
                           password="a-long-password-1")
        user.must_change_password = False
        user_id = user.id
        cid = create_candidate(session, actor=ACTOR, data={"last_name": "Ouvert"}).id
    at = page("pages/candidates.py", user="sam@example.fr", **{"candidates.dialog": ("edit", cid)})
    no_exception(at)
    with db.write() as session:  # an administrator deactivates the account meanwhile
        session.get(StaffUser, user_id).active = False
    at.text_area(key="candidate.notes").input("Rappeler lundi")
    button(at, "Enregistrer").click()
    at.run()
    no_exception(at)
    assert [w.value for w in at.warning] == ["Veuillez vous connecter."]  # dialog-only rerun: browser journey
    with db.read() as session:
        assert session.get(Candidate, cid).notes == ""
