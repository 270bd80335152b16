import pytest

from homecrm.notify.sms import segment_info, sms_amount, to_gsm
from tests.helpers import vectors


@pytest.mark.parametrize("case", vectors("sms_segments.json")["cases"],
                         ids=lambda c: c.get("text", f"{c.get('repeat')}x{c.get('times')}")[:30])
def test_segment_vectors(case):
    text = case.get("text") or case["repeat"] * case["times"]
    info = segment_info(text)
    assert (info.encoding, info.segments) == (case["encoding"], case["segments"])
    assert info["encoding"] == info.encoding and info["units"] == info.units


def test_a_circumflex_turns_one_gsm_segment_into_two_ucs2_segments():
    text = "Bonjour Mme Dupont, votre loyer de mars (650,00 EUR) est du le 05/03. Merci de votre reglement. SCI"
    assert segment_info(text).segments == 1 and segment_info(text).encoding == "GSM-7"
    accented = text.replace("est du", "est dû")
    info = segment_info(accented)
    assert (info.encoding, info.segments, info.ucs2_characters) == ("UCS-2", 2, ("û",))


def test_extension_characters_are_never_split():
    text = "A" * 152 + "€" + "B" * 152  # 306 units: two parts if the euro sign could straddle them
    info = segment_info(text)
    assert info.units == 306 and info.segments == 3


def test_gsm_equivalents_and_amounts():
    assert to_gsm("Échéance dépassée : «650 €» dû, façade, œuvre’s") == "Échéance dépassée : \"650 €\" du, facade, oeuvre's"
    assert segment_info(to_gsm("dû ç ê")).encoding == "GSM-7"
    assert sms_amount("1\u202f234,50\u00a0€") == "1 234,50 €"


def test_sample_values_never_force_ucs2_themselves():
    """The editor's count fills merge fields with samples: a sample must not be what forces UCS-2 (QA 5, #7)."""
    from homecrm.settings.sections import SmsTriggerSettings
    from homecrm.settings.sections.messaging import SAMPLE_VALUES, sample_sms

    for name, value in SAMPLE_VALUES.items():
        assert segment_info(value).encoding == "GSM-7", name
    default = to_gsm(SmsTriggerSettings().contract_expiry)
    assert segment_info(sample_sms(default)).encoding == "GSM-7"


def test_the_editor_counts_characters_in_french_grammar():
    from homecrm.ui.sms_editor import describe

    assert describe("") == "0 caractère · GSM-7 · 0 segment"
    assert describe("Bonjour") == "7 caractères · GSM-7 · 1 segment"
