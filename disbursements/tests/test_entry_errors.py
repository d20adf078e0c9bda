"""What staff read when a handover cannot be submitted yet, and what they read when it can."""

import re

import pytest
from django.urls import reverse

from disbursements.models import Disbursement, Status
from disbursements.tests.test_views import entry_post

pytestmark = pytest.mark.django_db

PYTHON_LEFTOVERS = re.compile(r"\(&#x27;\w+&#x27;, \[|\('\w+', \[|\[&#x27;")


def field_block(html: str, name: str) -> str:
    """The markup of one crispy field, from its wrapper to the next field's wrapper."""
    start = html.index(f'id="div_id_{name}"')
    end = html.find('id="div_id_', start + 1)
    return html[start : end if end != -1 else None]


class TestIncompleteSubmission:
    def test_what_is_missing_stands_at_its_field_as_a_sentence(self, client, staf_hk, program, partner):
        client.force_login(staf_hk)
        data = entry_post(program, "", submit="1", receiver_name="", place="")
        data.update({"items-TOTAL_FORMS": "0"})
        response = client.post(reverse("disbursements:handover-create"), data)
        html = response.content.decode()

        assert response.status_code == 400
        assert not PYTHON_LEFTOVERS.search(html)
        assert "Isi nama Pihak Kedua." in field_block(html, "receiver_name")
        assert "invalid-feedback" in field_block(html, "place")
        before_items = html[html.index('id="items-table"') - 300 : html.index('id="items-table"')]
        assert "alert-danger" in before_items and "barang" in before_items
        recipient = html[html.index('id="recipient-chosen"') : html.index('id="recipient-results"')]
        assert "invalid-feedback" in recipient
        top = html[html.index('id="handover-form"') : html.index("Program dan penerima")]
        assert "alert-danger" not in top  # nothing left over for a box of its own
        assert Disbursement.objects.get().status == Status.DRAFT  # the draft is kept

    def test_a_malformed_nik_is_explained_at_the_nik_field(self, client, staf_hk, program, partner):
        client.force_login(staf_hk)
        response = client.post(
            reverse("disbursements:handover-create"),
            entry_post(program, f"p:{partner.pk}", submit="1", receiver_nik="12345"),
        )
        html = response.content.decode()
        assert response.status_code == 400
        assert not PYTHON_LEFTOVERS.search(html)
        assert "NIK terdiri atas 16 digit." in field_block(html, "receiver_nik")
        assert not Disbursement.objects.exists()


class TestSavedMessages:
    def test_submitting_says_submitted_and_saving_says_saved(self, client, staf_hk, program, partner):
        client.force_login(staf_hk)
        submitted = client.post(
            reverse("disbursements:handover-create"), entry_post(program, f"p:{partner.pk}", submit="1"), follow=True
        )
        assert "Diajukan untuk persetujuan." in submitted.content.decode()
        assert "Penyaluran tersimpan." not in submitted.content.decode()

        saved = client.post(
            reverse("disbursements:handover-create"), entry_post(program, f"p:{partner.pk}", save="1"), follow=True
        )
        assert "Penyaluran tersimpan." in saved.content.decode()
        assert [h.status for h in Disbursement.objects.order_by("pk")] == [Status.SUBMITTED, Status.DRAFT]
