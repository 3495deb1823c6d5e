"""The DM template library and its sandboxed renderer (`core.sellers.outreach`): each template renders to the text
written out here by hand; unknown variables are all named; loops, calls, arithmetic, `set`, includes and unknown
filters are refused with their line; attribute access (`''.__class__`) is refused by the sandbox; nothing is
HTML-escaped (a DM is plain text)."""

from __future__ import annotations

import pytest

from core.sellers.outreach import DM_TEMPLATES, TEMPLATE_VARIABLES, TemplateError, render_template

VALUES = {
    "first_name": "Lena",
    "name": "Lena Park",
    "niche": "watercolor brushes",
    "admin_name": "Sam",
    "invite_link": "https://toolkit.example/?invite=abc",
    "marketplace": "the marketplace",
}
KNOWN = "{{ first_name }}, {{ name }}, {{ niche }}, {{ admin_name }}, {{ invite_link }}, {{ marketplace }}"


def test_five_templates_with_distinct_keys_using_only_known_variables() -> None:
    assert [t.key for t in DM_TEMPLATES] == ["first_contact", "follow_up", "stuck_drafter", "first_sale", "win_back"]
    assert TEMPLATE_VARIABLES == ("first_name", "name", "niche", "admin_name", "invite_link", "marketplace")
    for template in DM_TEMPLATES:
        text = render_template(template.body, VALUES)
        assert "{{" not in text and "}}" not in text
        assert text.startswith(("Hi Lena", "Lena,")), template.key
        assert len(text) < 500, template.key  # a DM, not an essay


def test_the_templates_render_to_this_text() -> None:
    by_key = {t.key: t for t in DM_TEMPLATES}
    assert render_template(by_key["first_contact"].body, VALUES) == (
        "Hi Lena! I'm Sam and I help creators get started on the marketplace. Your posts about watercolor brushes "
        "are genuinely useful, and your followers clearly trust your picks. Have you thought about selling a "
        "template or guide of your own? No upfront cost, and I'll help you set up the first one. Here's a personal "
        "invite if you're curious: https://toolkit.example/?invite=abc"
    )
    assert render_template(by_key["follow_up"].body, VALUES) == (
        "Hi Lena, floating this back up in case it got buried. No pressure: if selling what you know about "
        "watercolor brushes isn't on your list right now, that's completely fine. If it is, your invite still "
        "works: https://toolkit.example/?invite=abc\nHappy to answer any question first.\nSam"
    )
    assert render_template(by_key["stuck_drafter"].body, VALUES) == (
        "Hi Lena, I saw you started a product on the marketplace, nice! Most creators pause at the same spot: the "
        "price, the cover or the description. Want me to look at your draft for ten minutes and tell you what to "
        "finish first? Something small and live beats something perfect in drafts.\nSam"
    )
    assert render_template(by_key["win_back"].body, VALUES) == (
        "Hi Lena, it's Sam from the marketplace. Your shop has been quiet lately and I wanted to ask rather than "
        "guess: is something in the way (time, pricing, ideas for what to make next)? Buyers still search for "
        "watercolor brushes, and I'd be glad to help you plan one fresh product or a refresh of your best one."
    )


def test_plain_text_filters_and_if() -> None:
    values = {**VALUES, "name": "Tom & <Jerry>"}
    source = "{{ name }} | {{ first_name|upper }} | {% if niche %}about {{ niche|title }}{% else %}-{% endif %}\n"
    assert render_template(source, values) == "Tom & <Jerry> | LENA | about Watercolor Brushes\n"
    assert render_template("{{ first_name ~ '!' }} {{ first_name[0] }}", values) == "Lena! L"
    assert render_template("", values) == ""


def test_every_unknown_variable_is_named() -> None:
    with pytest.raises(TemplateError) as one:
        render_template("Hi {{ firstName }}", VALUES)
    assert str(one.value) == f"Unknown variable {{{{ firstName }}}}; use one of: {KNOWN}."
    with pytest.raises(TemplateError) as several:
        render_template("{{ foo }} {{ first_name }} {% if course %}{{ bar }}{% endif %}", VALUES)
    assert (
        str(several.value) == f"Unknown variables {{{{ bar }}}}, {{{{ course }}}}, {{{{ foo }}}}; use one of: {KNOWN}."
    )
    assert several.value.errors == {"template": str(several.value)}


def test_a_known_variable_without_a_value_is_named() -> None:
    values = {k: v for k, v in VALUES.items() if k != "invite_link"}
    with pytest.raises(TemplateError) as refused:
        render_template(DM_TEMPLATES[0].body, values)
    assert str(refused.value) == "{{ invite_link }} has no value here: create an invite link for this creator first."


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__ }}",
        "{{ first_name.__class__ }}",
        "{{ first_name['__class__'] }}",
        "{{ first_name.upper }}",
        "{{ ''.__class__.__mro__ }}",
    ],
)
def test_the_sandbox_refuses_attributes(source: str) -> None:
    with pytest.raises(TemplateError, match=r"^The template reaches for something it may not \(access to attribute"):
        render_template(source, VALUES)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "Line 1: a call can't be used in a message template"),
        ("{{ range(10) }}", "Line 1: a call can't be used"),
        ("Hi\n{% for c in first_name %}{{ c }}{% endfor %}", "Line 2: {% for %} can't be used"),
        ("{{ 'a' * 99999999 }}", "Line 1: arithmetic can't be used"),
        ("{{ 9 ** 9 ** 9 }}", "Line 1: arithmetic can't be used"),
        ("{{ '%099999999d' % 1 }}", "Line 1: arithmetic can't be used"),
        ("{% set x = first_name %}{{ x }}", "Line 1: {% set %} can't be used"),
        ("{% include 'creator_invite.txt' %}", "Line 1: Include can't be used"),
        ("{{ first_name[:2] }}", "Line 1: a slice can't be used"),
        ("\n\n{{ first_name|center(999999999) }}", "Line 3: the filter |center is not available; use one of: |upper"),
        ("Hi {{ first_name ", "Line 1: unexpected end of template, expected 'end of print statement'."),
        ("{% if first_name %}open", "Line 1: Unexpected end of template."),
    ],
)
def test_constructs_beyond_text_and_if_are_refused_with_their_line(source: str, message: str) -> None:
    with pytest.raises(TemplateError) as refused:
        render_template(source, VALUES)
    assert str(refused.value).startswith(message), str(refused.value)


def test_control_characters_and_overlong_sources_are_refused() -> None:
    with pytest.raises(TemplateError) as refused:
        render_template("Hi\x00 {{ first_name }}", VALUES)
    assert str(refused.value) == "The template contains a control character (U+0000), which can't be saved: remove it."
    with pytest.raises(TemplateError) as refused:
        render_template("x" * 4001, VALUES)
    assert str(refused.value) == "Keep the template under 4,000 characters (it has 4,001)."
    assert render_template("x" * 4000, VALUES) == "x" * 4000
