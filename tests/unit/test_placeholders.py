import pytest

from homecrm.errors import ValidationError
from homecrm.render.placeholders import check_template, placeholders_in, render_lines, render_template


def test_unknown_placeholders_are_named():
    with pytest.raises(ValidationError) as excinfo:
        check_template("{company_name}\n{adress}\n{iban}", ["company_name", "address"], field="info_format")
    message = str(excinfo.value)
    assert "{adress}" in message and "{iban}" in message
    assert excinfo.value.field == "info_format"


@pytest.mark.parametrize("template", ["{company_name.__class__}", "{x[0]}", "{x!r}", "{x:>10}", "{0}", "{"])
def test_only_plain_names_are_accepted(template):
    with pytest.raises(ValidationError):
        placeholders_in(template)


def test_rendering_escapes_values_and_drops_empty_lines():
    out = render_template("<b>{name}</b>", {"name": "<script>"}, escape=lambda s: s.replace("<", "&lt;"))
    assert out == "&lt;b>&lt;script>&lt;/b>"
    assert render_lines("{a}\n{b}\n{{literal}}", {"a": "x", "b": ""}) == ["x", "{literal}"]


def test_the_unbalanced_brace_message_shows_single_braces():
    from homecrm.render.placeholders import placeholders_in

    with pytest.raises(ValidationError) as excinfo:
        placeholders_in("Loyer {amount")
    assert "fermez chaque { par } (écrivez {{ pour une accolade littérale)" in str(excinfo.value)


def test_fill_fields_fills_merge_fields_and_keeps_other_braces():
    from homecrm.render.placeholders import fill_fields

    text = "Réf. {LOC-QUI-1} pour {client_name} {note}"
    assert fill_fields(text, {"client_name": "Camille"}, ("client_name",), literal_in="{note}") == \
        "Réf. {LOC-QUI-1} pour Camille {note}"
    with pytest.raises(ValidationError, match=r"\{iban\}"):
        fill_fields("{iban}", {}, ("client_name",))


def test_fill_fields_reads_doubled_braces_as_literal_braces_like_the_templates():
    from homecrm.render.placeholders import fill_fields

    assert fill_fields("Code {{x}} pour {client_name}", {"client_name": "Camille"}, ("client_name",)) == \
        "Code {x} pour Camille"
    assert fill_fields("{{{client_name}}}", {"client_name": "Camille"}, ("client_name",)) == "{Camille}"
