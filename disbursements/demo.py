"""Demo handovers: the Ogan Ilir case (HK Peduli Kreatif, 9 November 2023) and a spread
of others in several provinces and states, all entered through the real services.

Safe on any database: handovers are entered only by the demo's users, in the demo's
programs, for the demo's partners; one is keyed by its creator and submission key,
and a handover that exists is left in whatever state it is.
"""

import datetime
import random
import uuid
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from accounts.demo import demo_user, skipped
from partners.demo import GROUP_NAME, demo_group, demo_others
from partners.models import Partner
from programs.demo import demo_exhibitors, demo_program
from programs.models import Program
from regions.models import Region

from . import services
from .models import Disbursement, Status
from .services import ItemData, WitnessData

OGAN_ILIR_KEY = uuid.UUID("5a7e1f3c-2b1d-4c9a-9e2f-0d1b2c3d4e01")
MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MINIMAL_PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _evidence():
    return (
        SimpleUploadedFile("bast-ditandatangani.pdf", MINIMAL_PDF, content_type="application/pdf"),
        [SimpleUploadedFile("foto-serah-terima.png", MINIMAL_PNG, content_type="image/png")],
    )


STEPS = [Status.SUBMITTED, Status.APPROVED, Status.HANDED_OVER, Status.VERIFIED]


def _take_to(handover: Disbursement, *, status: str, staff, manager) -> Disbursement:
    """Walk a draft through the workflow, one service call per step, up to `status`."""
    while status in STEPS and handover.status != status:
        step = STEPS[STEPS.index(handover.status) + 1 if handover.status in STEPS else 0]
        if step == Status.SUBMITTED:
            handover = services.disbursement_submit(disbursement=handover, actor=staff)
        elif step == Status.APPROVED:
            handover = services.disbursement_approve(disbursement=handover, actor=manager)
        elif step == Status.HANDED_OVER:
            scan, photos = _evidence()
            handover = services.disbursement_hand_over(
                disbursement=handover, actor=staff, bast_scan=scan, photos=photos
            )
        else:
            handover = services.disbursement_verify(disbursement=handover, actor=manager)
    return handover


def _ogan_ilir(stdout) -> None:
    staff, manager = demo_user("staf.hk"), demo_user("manajer.hk")
    program, group = demo_program("HK", "HK-PK"), demo_group()
    if None in (staff, manager, program, group):
        skipped(stdout, "handover Ogan Ilir", "no demo users, program HK Peduli Kreatif or group")
        return
    if Disbursement.objects.filter(created_by=staff, submission_key=OGAN_ILIR_KEY).exists():
        return
    try:
        with transaction.atomic():
            _ogan_ilir_enter(staff, manager, program, group)
    except (ValidationError, PermissionDenied) as error:
        skipped(stdout, "handover Ogan Ilir", str(error))
        return
    stdout.write("Handover: Ogan Ilir, Rp200.000.000 to Kelompok Usaha Karya Usang Sungging (verified).")


def _ogan_ilir_enter(staff, manager, program, group) -> None:
    handover = services.disbursement_create_draft(
        actor=staff,
        program=program,
        submission_key=OGAN_ILIR_KEY,
        group=group,
        handed_on=datetime.date(2023, 11, 9),
        place_regency=Region.objects.get(code="16.10"),
        place="Kantor Bupati Ogan Ilir, Tanjung Senai",
        giver_name="Bima Santoso",
        giver_position="Kepala Unit TJSL PT Hutama Karya (Persero)",
        receiver_name="Hendra Saputra",
        receiver_position="Kepala Dinas Perindustrian, Perdagangan, Koperasi dan UKM Kabupaten Ogan Ilir",
        receiver_organisation="Kelompok Usaha Karya Usang Sungging",
        basis="Program HK Peduli Kreatif; Perjanjian Kerja Sama No. HK/TJSL/PKS/017/2023",
        notes="Pengembangan produk perajin perak dan tembaga untuk pasar Palembang, Bengkulu dan Lampung "
        "melalui jalan tol dan rest area.",
        items=[
            ItemData(
                "peralatan",
                "Peralatan produksi kerajinan perak dan tembaga (30 paket)",
                Decimal(30),
                "paket",
                4_000_000,
            ),
            ItemData("bahan_baku", "Bahan baku perak dan tembaga", Decimal(1), "lot", 80_000_000),
        ],
        witnesses=[WitnessData("Ardani Prakoso", "Wakil Bupati Ogan Ilir")],
    )
    _take_to(handover, status=Status.VERIFIED, staff=staff, manager=manager)


def _demo_partners() -> list[Partner]:
    """The demo's partners outside the group, in the order the spread has always used."""
    ids = [partner.pk for partner in (*demo_others(), *demo_exhibitors())]
    return list(Partner.objects.filter(pk__in=ids).exclude(memberships__group__name=GROUP_NAME)[:40])


def _spread(stdout) -> None:
    """A few dozen handovers of both companies in several provinces and every state."""
    rng = random.Random(2023)
    plan = [("HK", "staf.hk", "manajer.hk", "HK-PK"), ("PLN", "staf.pln", "manajer.pln", "PLN-UMK-NK")]
    states = [Status.DRAFT, Status.SUBMITTED, Status.APPROVED, Status.HANDED_OVER, Status.VERIFIED, Status.VERIFIED]
    created = 0
    partners = _demo_partners()
    for code, staff_name, manager_name, program_code in plan:
        staff, manager = demo_user(staff_name), demo_user(manager_name)
        ours = demo_program(code, program_code)
        if None in (staff, manager, ours):
            skipped(stdout, f"handovers of {code}", "no demo users or program")
            continue
        programs = list(Program.objects.filter(pk=ours.pk, status=Program.Status.AKTIF).prefetch_related("budgets"))
        for i, partner in enumerate(partners[:12] if code == "HK" else partners[12:26]):
            key = uuid.uuid5(OGAN_ILIR_KEY, f"{code}-{i}")
            if Disbursement.objects.filter(created_by=staff, submission_key=key).exists():
                continue
            program = next((p for p in programs if p.budgets.exists()), None)
            if program is None:
                return
            budget = min(program.budgets.all(), key=lambda b: b.year)
            day = max(program.start_date, datetime.date(budget.year, 1, 1)) + datetime.timedelta(
                days=rng.randint(0, 300)
            )
            day = min(day, program.end_date, datetime.date(budget.year, 12, 31))
            amount = rng.choice([5, 7, 10, 12, 15, 20, 25]) * 1_000_000
            try:
                handover = services.disbursement_create_draft(
                    actor=staff,
                    program=program,
                    submission_key=key,
                    partner=partner,
                    handed_on=day,
                    place_regency=partner.regency,
                    place=f"Balai desa, {partner.regency.name}",
                    giver_name=staff.get_full_name(),
                    giver_position=staff.position,
                    receiver_name=partner.owner_name,
                    receiver_position="Pemilik usaha",
                    receiver_organisation=partner.business_name,
                    basis=f"Program {program.name}",
                    items=[
                        ItemData(
                            rng.choice(["peralatan", "bahan_baku", "pelatihan", "uang"]),
                            "Bantuan pengembangan usaha",
                            Decimal(1),
                            "paket",
                            amount,
                        )
                    ],
                )
            except (ValidationError, PermissionDenied) as error:  # someone changed the demo program
                skipped(stdout, f"handover {code}-{i}", str(error))
                continue
            try:
                _take_to(handover, status=states[i % len(states)], staff=staff, manager=manager)
            except (ValidationError, PermissionDenied) as error:  # a demo budget may run out; the handover waits
                stdout.write(f"  {handover}: left as {handover.status} ({error})")
            created += 1
    stdout.write(f"Handovers: {created} more across provinces and states.")


def load(*, stdout) -> None:
    _ogan_ilir(stdout)
    _spread(stdout)
