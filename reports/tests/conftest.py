"""A small world of handovers in two provinces and two companies, built with the real services."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from disbursements.services import (
    disbursement_approve,
    disbursement_hand_over,
    disbursement_reverse,
    disbursement_verify,
)
from disbursements.tests import conftest as handover_fixtures
from disbursements.tests.conftest import draft_for, make_partner, submitted_for
from programs.models import Program, ProgramBudget
from regions.models import Region

# The handover app's fixtures, shared here: its HK program with a 2023 budget, the
# 30-member Ogan Ilir group and PLN's manager.
program = handover_fixtures.program
group = handover_fixtures.group
ogan_ilir = handover_fixtures.ogan_ilir
manajer_pln = handover_fixtures.manajer_pln

__all__ = ["draft_for", "hand_over", "submitted_for"]


def partner_in(name, region, sector):
    partner = make_partner(name, region)
    type(partner).objects.filter(pk=partner.pk).update(sector=sector)
    partner.refresh_from_db()
    return partner


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def hand_over(handover, staff):
    return disbursement_hand_over(
        disbursement=handover,
        actor=staff,
        bast_scan=SimpleUploadedFile("bast.pdf", PDF, content_type="application/pdf"),
        photos=[SimpleUploadedFile("foto.png", PNG, content_type="image/png")],
    )


@pytest.fixture
def pln_program(pln) -> Program:
    program = Program.objects.create(
        company=pln,
        code="PLN-UMK",
        name="PLN Peduli UMK",
        pillar="ekonomi",
        support_form="bantuan",
        start_date=datetime.date(2023, 1, 1),
        end_date=datetime.date(2025, 12, 31),
        status="aktif",
    )
    ProgramBudget.objects.create(program=program, year=2023, amount=500_000_000)
    return program


@pytest.fixture
def world(
    django_capture_on_commit_callbacks,
    settings,
    tmp_path,
    staf_hk,
    manajer_hk,
    staf_pln,
    manajer_pln,
    program,
    pln_program,
    group,
):
    """Ogan Ilir group handover (handed over), Ogan Ilir partner (approved), Palembang (reversed),
    a draft and a submitted one (not counted), and PLN in Ambon (verified)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    with django_capture_on_commit_callbacks(execute=True):
        return _build_world(staf_hk, manajer_hk, staf_pln, manajer_pln, program, pln_program, group)


def _build_world(staf_hk, manajer_hk, staf_pln, manajer_pln, program, pln_program, group):
    palembang, ambon = Region.objects.get(code="16.71"), Region.objects.get(code="81.71")
    ogan = Region.objects.get(code="16.10")
    # Each program targets its province: the programs page shows it to that province's official only.
    program.target_regions.add(Region.objects.get(code="16"))
    pln_program.target_regions.add(Region.objects.get(code="81"))
    handovers = {}
    oi = disbursement_approve(disbursement=submitted_for(staf_hk, program, recipient=group), actor=manajer_hk)
    handovers["ogan_ilir_group"] = hand_over(oi, staf_hk)
    single = partner_in("Songket Indralaya", ogan, "fesyen")
    handovers["ogan_ilir_partner"] = disbursement_approve(
        disbursement=submitted_for(staf_hk, program, recipient=single, total=50_000_000), actor=manajer_hk
    )
    plg = partner_in("Pempek Palembang", palembang, "kuliner")
    reversed_one = disbursement_approve(
        disbursement=submitted_for(staf_hk, program, recipient=plg, total=30_000_000, day=datetime.date(2023, 12, 5)),
        actor=manajer_hk,
    )
    reversal = disbursement_reverse(disbursement=reversed_one, actor=staf_hk, reason="Salah penerima")
    handovers["reversal"] = disbursement_approve(disbursement=reversal, actor=manajer_hk)
    draft_for(staf_hk, program, recipient=single, total=10_000_000)
    submitted_for(staf_hk, program, recipient=single, total=20_000_000)
    ambon_partner = partner_in("Tenun Ambon", ambon, "kerajinan")
    pln = disbursement_approve(
        disbursement=submitted_for(
            staf_pln, pln_program, recipient=ambon_partner, total=40_000_000, day=datetime.date(2023, 8, 17)
        ),
        actor=manajer_pln,
    )
    handovers["ambon"] = disbursement_verify(disbursement=hand_over(pln, staf_pln), actor=manajer_pln)
    return handovers
