"""Marking a handover handed over takes the signed scan and every photo chosen."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from disbursements.models import Status
from disbursements.services import disbursement_approve
from disbursements.tests.conftest import submitted_for
from disbursements.tests.test_services import PDF, PNG

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(settings, tmp_path, staf_hk, manajer_hk, program, partner):
    settings.MEDIA_ROOT = tmp_path / "media"
    return disbursement_approve(disbursement=submitted_for(staf_hk, program, recipient=partner), actor=manajer_hk)


def hand_over(client, handover, photos):
    return client.post(
        reverse("disbursements:handover-hand-over", args=[handover.pk]),
        {"bast_scan": SimpleUploadedFile("bast.pdf", PDF), "photos": photos},
    )


def png(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG)


class TestHandOverPhotos:
    def test_the_file_chooser_takes_several_photos(self, client, staf_hk, approved):
        client.force_login(staf_hk)
        page = client.get(reverse("disbursements:handover-detail", args=[approved.pk])).content.decode()
        chooser = page[page.index('name="photos"') - 200 : page.index('name="photos"') + 200]
        assert " multiple" in chooser and "allow_multiple_selected" not in chooser

    def test_three_photos_are_all_stored(self, client, staf_hk, approved):
        client.force_login(staf_hk)
        response = hand_over(client, approved, [png("depan.png"), png("samping.png"), png("tanda-terima.png")])
        assert response.status_code == 302
        approved.refresh_from_db()
        assert approved.status == Status.HANDED_OVER
        names = sorted(approved.evidence.values_list("original_name", flat=True))
        assert names == ["depan.png", "samping.png", "tanda-terima.png"]
        page = client.get(reverse("disbursements:handover-detail", args=[approved.pk])).content.decode()
        assert "Foto 3" in page

    def test_a_bad_photo_is_named_under_the_field_and_nothing_is_saved(self, client, staf_hk, approved):
        client.force_login(staf_hk)
        script = SimpleUploadedFile("bukan-foto.jpg", b"#!/bin/sh\necho not an image\n")
        response = hand_over(client, approved, [png("depan.png"), script, png("samping.png")])
        assert response.status_code == 400
        assert response.context["hand_over_form"].errors["photos"] == ["Jenis berkas bukan-foto.jpg tidak diterima."]
        assert "Jenis berkas bukan-foto.jpg tidak diterima." in response.content.decode()
        approved.refresh_from_db()
        assert approved.status == Status.APPROVED and not approved.evidence.exists() and not approved.bast_scan

    def test_every_refused_photo_is_named(self, client, staf_hk, approved):
        client.force_login(staf_hk)
        photos = [SimpleUploadedFile("a.gif", b"GIF89a\x01\x00"), png("ok.png"), SimpleUploadedFile("b.txt", b"x")]
        response = hand_over(client, approved, photos)
        errors = response.context["hand_over_form"].errors["photos"]
        assert errors == ["Jenis berkas a.gif tidak diterima.", "Jenis berkas b.txt tidak diterima."]

    def test_no_photo_is_a_field_error(self, client, staf_hk, approved):
        client.force_login(staf_hk)
        response = hand_over(client, approved, [])
        assert response.status_code == 400 and response.context["hand_over_form"].errors["photos"]
        approved.refresh_from_db()
        assert approved.status == Status.APPROVED
