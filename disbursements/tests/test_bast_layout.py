"""What the BAST PDF says and where it breaks, read back from the real PDF with pdftotext."""

import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from disbursements.services import ItemData, allocations_set, disbursement_create_draft, disbursement_submit
from disbursements.tests.conftest import HANDOVER_DAY, draft_for
from regions.models import Region

pytestmark = pytest.mark.django_db


def pdf_pages(pdf: bytes, tmp_path: Path) -> list[str]:
    """The text of each page as laid out (a table row reads as one line), whitespace collapsed."""
    source = tmp_path / "bast.pdf"
    source.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(source), "-"], check=True, capture_output=True, text=True).stdout
    return [" ".join(page.split()) for page in text.split("\f") if page.strip()]


def bast_pages(client, user, handover, tmp_path) -> list[str]:
    client.force_login(user)
    response = client.get(reverse("disbursements:handover-bast", args=[handover.pk]))
    assert response.status_code == 200
    return pdf_pages(response.content, tmp_path)


def draft_with(actor, program, recipient, items: list[ItemData]):
    return disbursement_create_draft(
        actor=actor,
        program=program,
        items=items,
        partner=recipient,
        handed_on=HANDOVER_DAY,
        place_regency=Region.objects.get(code="16.10"),
        place="Balai Desa Tanjung Senai",
        giver_name="Kepala Unit TJSL",
        giver_position="Kepala Unit TJSL Hutama Karya",
        receiver_name="Siti Aminah",
    )


class TestCondition:
    def test_training_and_services_have_no_condition(self, client, staf_hk, program, partner, tmp_path):
        items = [
            ItemData(kind="pelatihan", description="Kelas daring", quantity=Decimal("1"),
                     unit="kegiatan", unit_value=15_000_000),
            ItemData(kind="jasa", description="Sertifikasi", quantity=Decimal("1"),
                     unit="paket", unit_value=5_000_000),
        ]  # fmt: skip
        text = " ".join(bast_pages(client, staf_hk, draft_with(staf_hk, program, partner, items), tmp_path))
        assert "Kelas daring" in text and "Rp20.000.000" in text
        assert "Kondisi" not in text and "Baik" not in text
        assert "dalam keadaan baik" not in text and "secara lengkap" in text

    def test_goods_are_stated_in_good_condition_and_training_beside_them_is_not(
        self, client, staf_hk, program, partner, tmp_path
    ):
        items = [
            ItemData(kind="peralatan", description="Mesin jahit", quantity=Decimal("2"), unit="unit",
                     unit_value=4_750_000),
            ItemData(kind="pelatihan", description="Kelas jahit", quantity=Decimal("1"), unit="kegiatan",
                     unit_value=3_000_000),
        ]  # fmt: skip
        text = " ".join(bast_pages(client, staf_hk, draft_with(staf_hk, program, partner, items), tmp_path))
        assert "Kondisi" in text
        assert "Mesin jahit 2 unit Baik Rp4.750.000" in text
        assert "Kelas jahit 1 kegiatan – Rp3.000.000" in text
        assert "dalam keadaan baik" in text


class TestItemsTableBreak:
    # Somewhere in this range the last item row fills the first page exactly.
    @pytest.mark.parametrize("count", range(4, 14))
    def test_the_total_is_never_alone_on_a_page(self, client, staf_hk, program, partner, tmp_path, count):
        items = [
            ItemData(kind="bahan_baku", description=f"Bahan baku nomor {n:02d}", quantity=Decimal("2.5"), unit="kg",
                     unit_value=100_000)
            for n in range(1, count + 1)
        ]  # fmt: skip
        pages = bast_pages(client, staf_hk, draft_with(staf_hk, program, partner, items), tmp_path)
        [total_page] = [page for page in pages if "JUMLAH" in page]
        assert f"Bahan baku nomor {count:02d}" in total_page
        assert f"Bahan baku nomor {count - 1:02d}" in total_page
        assert "2,5 kg" in total_page and "2.50 kg" not in total_page


class TestMemberAnnex:
    def test_a_member_allocated_nothing_has_no_line_and_no_signature(self, client, staf_hk, program, group, tmp_path):
        draft = draft_for(staf_hk, program, recipient=group)
        members = list(group.members_on(HANDOVER_DAY).order_by("business_name").values_list("pk", flat=True))
        amounts = dict.fromkeys(members, 0)
        amounts[members[0]] = 120_000_000
        amounts[members[1]] = 80_000_000
        allocations_set(disbursement=draft, actor=staf_hk, amounts=amounts)
        handover = disbursement_submit(disbursement=draft, actor=staf_hk)
        text = " ".join(bast_pages(client, staf_hk, handover, tmp_path))
        annex = text[text.index("DAFTAR ANGGOTA PENERIMA MANFAAT") :]
        assert "Perajin 01" in annex and "Perajin 02" in annex
        assert "Rp120.000.000" in annex and "Rp80.000.000" in annex
        assert "Perajin 03" not in text and "Rp0" not in annex
        assert "(2 anggota, daftar terlampir)" in text
        assert " 3. " not in annex  # no third signature line
