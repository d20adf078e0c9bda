"""Figures shown on a program's page: budget against handovers, targets against achievements,
and a summary per province.

Every figure is computed for one reader, over the rows that reader may see: enrolments,
activities, participants and handovers each start from their own `visible_to(user)`. A
regional official who sees a program because one of its enrolments or activities lies in
their region therefore gets that region's partners, activities and sums only, never the
program's national ones. Budgets (RKA) and targets are program-wide figures: they are
shown only to roles that hold `programs.view_programbudget` / `programs.view_programtarget`
(`budget_visible_to`, `targets_visible_to`), whatever page, API field or report carries them.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Substr

from accounts.scope import scope_for
from partners.models import Partner
from regions.models import Region

from .models import Activity, ActivityParticipant, Enrollment, Program, ProgramTarget

BUDGET_PERMISSION = "programs.view_programbudget"
TARGET_PERMISSION = "programs.view_programtarget"


def budget_visible_to(user) -> bool:
    """The one rule for programme budgets: pages, API fields, dashboards and reports ask it."""
    return bool(getattr(user, "is_authenticated", False)) and user.has_perm(BUDGET_PERMISSION)


def targets_visible_to(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_perm(TARGET_PERMISSION)


@dataclass(frozen=True)
class BudgetLine:
    """One budget year. Amounts in whole rupiah.

    committed: handovers approved, handed over or verified (net of reversals);
    realised: handovers handed over or verified (net of reversals);
    realisation_pct: realised / budget x 100, one decimal; None without a budget.
    """

    year: int
    budget: int
    committed: int = 0
    realised: int = 0
    has_budget: bool = True
    realisation_pct: Decimal | None = field(init=False)

    def __post_init__(self):
        pct = None
        if self.budget:
            pct = (Decimal(self.realised) * 100 / Decimal(self.budget)).quantize(Decimal("0.1"), ROUND_HALF_UP)
        object.__setattr__(self, "realisation_pct", pct)

    @property
    def remaining(self) -> int:
        return self.budget - self.committed


def _handover_totals(program: Program, years, user) -> dict[int, tuple[int, int]]:
    """(committed, realised) per year from the program's handovers the user may see, once the
    handovers app provides them: its QuerySet offers `committed()`, `realised()` and `net_amount()`."""
    if not hasattr(Program, "disbursements"):
        return {}
    handovers = program.disbursements.all()
    if not all(hasattr(handovers, name) for name in ("visible_to", "committed", "realised", "net_amount")):
        return {}
    handovers = handovers.visible_to(user)
    totals = {}
    for year in years:
        of_year = handovers.filter(year=year)
        totals[year] = (of_year.committed().net_amount(), of_year.realised().net_amount())
    return totals


def program_budget_lines(*, program: Program, user) -> list[BudgetLine] | None:
    """One line per year of the period (and any budget year outside it), oldest first;
    None for a user who may not read budgets. Committed and realised count the handovers
    the user may see."""
    if not budget_visible_to(user):
        return None
    budgets = dict(program.budgets.values_list("year", "amount"))
    years = sorted(set(program.years) | set(budgets))
    totals = _handover_totals(program, years, user)
    return [
        BudgetLine(
            year=year,
            budget=budgets.get(year, 0),
            committed=totals.get(year, (0, 0))[0],
            realised=totals.get(year, (0, 0))[1],
            has_budget=year in budgets,
        )
        for year in years
    ]


@dataclass(frozen=True)
class Achievement:
    """Targets of the program (year None) or of one year against what was reached."""

    year: int | None
    target: ProgramTarget | None
    partners_reached: int
    beneficiaries: int
    naik_kelas: int
    export_partners: int

    def rows(self):
        """(field name, target, achieved) for the template."""
        target = self.target
        return [
            (name, getattr(target, name) if target else None, getattr(self, name))
            for name in ("partners_reached", "beneficiaries", "naik_kelas", "export_partners")
        ]


def program_reached_partners(*, program: Program, user, year: int | None = None):
    """Distinct partners enrolled in the program or taking part in its activities, of those
    enrolments and participations the user may see."""
    enrolled = Enrollment.objects.visible_to(user).filter(program=program)
    participated = ActivityParticipant.objects.visible_to(user).filter(activity__program=program)
    if year is not None:
        enrolled = enrolled.filter(joined_on__year=year)
        participated = participated.filter(activity__start_date__year=year)
    return Partner.objects.filter(Q(pk__in=enrolled.values("partner_id")) | Q(pk__in=participated.values("partner_id")))


def program_achievements(*, program: Program, user) -> list[Achievement]:
    """Whole program first, then each year that has a target (targets only for users who may
    read them; the achievements count only what the user may see).

    A beneficiary is counted per partner business reached (members of groups are not
    counted separately yet); naik kelas compares a partner's current class with its class
    at joining; export counts partners that reached an export market.
    """
    targets = {target.year: target for target in program.targets.all()} if targets_visible_to(user) else {}
    years = [None, *sorted(year for year in targets if year is not None)]
    result = []
    for year in years:
        figures = program_reached_partners(program=program, user=user, year=year).aggregate(
            reached=Count("pk"),
            naik=Count("pk", filter=Q(current_class__gt=F("joining_class"))),
            export=Count("pk", filter=Q(has_export=True)),
        )
        result.append(
            Achievement(
                year=year,
                target=targets.get(year),
                partners_reached=figures["reached"],
                beneficiaries=figures["reached"],
                naik_kelas=figures["naik"],
                export_partners=figures["export"],
            )
        )
    return result


def program_activities(*, program: Program, user):
    """The program's activities the user may see, each with its participants and products
    counted over the participants the user may see."""
    seen = scope_for(user).q(region_code_field="participants__partner__region_code")  # as ActivityParticipant's
    return (
        Activity.objects.visible_to(user)
        .filter(program=program)
        .select_related("regency")
        .annotate(
            participant_count=Count("participants", filter=seen),
            products=Sum("participants__product_count", filter=seen),
        )
    )


@dataclass
class RegionSummary:
    province_code: str
    province_name: str
    enrolled_partners: int = 0
    activities: int = 0
    activity_cost: int = 0
    participants: int = 0


def program_region_summary(*, program: Program, user) -> list[RegionSummary]:
    """Enrolled partners, activities (with cost) and activity participants per province, over
    the enrolments, activities and participants the user may see."""
    rows: dict[str, RegionSummary] = {}

    def row(code: str) -> RegionSummary:
        return rows.setdefault(code, RegionSummary(province_code=code, province_name=code))

    province = Substr("partner__region_code", 1, 2)
    enrollments = Enrollment.objects.visible_to(user).filter(program=program)
    for item in enrollments.values(p=province).annotate(n=Count("pk")):
        row(item["p"]).enrolled_partners = item["n"]
    activities = Activity.objects.visible_to(user).filter(program=program).values(p=Substr("region_code", 1, 2))
    for item in activities.annotate(n=Count("pk"), cost=Sum("cost")):
        row(item["p"]).activities = item["n"]
        row(item["p"]).activity_cost = item["cost"] or 0
    participants = ActivityParticipant.objects.visible_to(user).filter(activity__program=program).values(p=province)
    for item in participants.annotate(n=Count("partner_id", distinct=True)):
        row(item["p"]).participants = item["n"]
    for code, name in Region.objects.filter(code__in=rows).values_list("code", "name"):
        rows[code].province_name = name
    return sorted(rows.values(), key=lambda summary: summary.province_code)
