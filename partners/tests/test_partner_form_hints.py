"""The partner form says what each identifier looks like and opens the right keyboard on phones."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def input_tag(html: str, name: str) -> str:
    return re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)


@pytest.mark.parametrize(
    "language,hints",
    [
        (
            "id",
            [
                "16 digit, mis. 1610015508850777",
                "13 digit, mis. 9120001234567",
                "15 atau 16 digit, mis. 092542943407000",
                "5 digit (KBLI 2020), mis. 32111",
            ],
        ),
        (
            "en",
            [
                "16 digits, e.g. 1610015508850777",
                "13 digits, e.g. 9120001234567",
                "15 or 16 digits, e.g. 092542943407000",
                "5 digits (KBLI 2020), e.g. 32111",
            ],
        ),
    ],
)
def test_the_form_shows_a_format_hint_under_each_identifier(client, staf_hk, language, hints):
    client.force_login(staf_hk)
    client.cookies["django_language"] = language
    html = client.get(reverse("partners:partner-create")).content.decode()
    for hint in hints:
        assert hint in html


def test_identifiers_open_a_numeric_keyboard_and_the_phone_a_telephone_one(client, staf_hk, make_partner):
    client.force_login(staf_hk)
    partner = make_partner(staf_hk)
    for url in (reverse("partners:partner-create"), reverse("partners:partner-update", args=[partner.pk])):
        html = client.get(url).content.decode()
        for name in ("owner_nik", "nib", "npwp", "kbli"):
            assert 'inputmode="numeric"' in input_tag(html, name), name
        assert 'inputmode="tel"' in input_tag(html, "phone")
