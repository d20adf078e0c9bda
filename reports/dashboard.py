"""The dashboard: (user, filters) -> scoped query -> figures, from the roll-ups or the raw records.

`dashboard_query()` is the one place that turns a request into what a user may see:
it starts from the user's scope, narrows to a region inside it (never wider: 404),
and checks every id in the URL against the same scope (404 outside it). Every
figure, chart and link of the dashboard is computed from the `DashboardQuery` it returns.
"""

import calendar
import datetime
import hashlib
import json
import re
from dataclasses import asdict, dataclass, field

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import Coalesce
from django.http import Http404, QueryDict
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.models import Company
from accounts.scope import Scope, scope_for
from disbursements.models import COMMITTED_STATUSES, Allocation, Disbursement, Item
from partners.models import Partner, Sector, SizeClass
from programs.models import Activity, Pillar, Program, ProgramBudget
from programs.selectors import budget_visible_to
from regions.models import Region
from tjsl import periods

from .aggregates import data_version
from .models import HandoverItemMonthFact, HandoverMonthFact, ReachMonthFact, ReachYearCount, ReachYearFact

Role = ReachMonthFact.Role
Kind = Disbursement.Kind

CACHE_SECONDS = 15 * 60


# --- Period -------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date  # inclusive
    key: str  # "2023", "2023-Q4", "2023-11" or "01/02/2023-31/03/2023"

    @property
    def end_exclusive(self) -> datetime.date:
        return self.end + datetime.timedelta(days=1)

    @property
    def years(self) -> list[int]:
        return list(range(self.start.year, self.end.year + 1))

    def months(self) -> list[datetime.date]:
        months, day = [], self.start.replace(day=1)
        while day <= self.end:
            months.append(day)
            day = (day + datetime.timedelta(days=32)).replace(day=1)
        return months


class PeriodError(ValueError):
    """A period that cannot be read or lies outside the bounds; `message` says why, to the user."""

    def __init__(self, message: str, *, field_name: str = "period"):
        super().__init__(message)
        self.message = message
        self.field_name = field_name


def _parse_date(text: str, field_name: str) -> datetime.date:
    try:
        return datetime.datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError as error:
        raise PeriodError(_("Enter a date as dd/mm/yyyy."), field_name=field_name) from error


def _bounded(start: datetime.date, end: datetime.date, key: str, *, field_name: str, today) -> Period:
    try:
        periods.period_check(start, end, today=today)
    except ValidationError as error:
        raise PeriodError(error.messages[0], field_name=field_name) from error
    return Period(start, end, key)


def period_parse(*, period: str = "", date_from: str = "", date_to: str = "", today=None) -> Period:
    """?period=2023 | 2023-Q4 | 2023-11, or ?from=dd/mm/yyyy&to=dd/mm/yyyy; default: this year.

    Roll-ups hold whole months, so a custom range is widened to the months it touches.
    Every period lies within `tjsl.periods`' bounds (2000 to ten years ahead, ten years at most).
    Raises PeriodError (a ValueError) on malformed or out-of-bounds input.
    """
    today = today or timezone.localdate()
    if date_from or date_to:
        start = _parse_date(date_from, "from") if date_from else datetime.date(today.year, 1, 1)
        end = _parse_date(date_to, "to") if date_to else today
        for day, name in ((start, "from"), (end, "to")):
            try:
                periods.date_check(day, today=today)
            except ValidationError as error:
                raise PeriodError(error.messages[0], field_name=name) from error
        if end < start:
            raise PeriodError(_("The end date must be on or after the start date."), field_name="to")
        start = start.replace(day=1)
        end = end.replace(day=calendar.monthrange(end.year, end.month)[1])
        return _bounded(start, end, f"{start:%d/%m/%Y}-{end:%d/%m/%Y}", field_name="to", today=today)
    if period.strip() == "custom":
        raise PeriodError(_("Enter the first and last day of the custom range."), field_name="from")
    period = (period or str(today.year)).strip()
    if match := re.fullmatch(r"([0-9]{4})", period):
        year = int(match[1])
        start, end, key = datetime.date(max(year, 1), 1, 1), datetime.date(max(year, 1), 12, 31), period
    elif match := re.fullmatch(r"([0-9]{4})-Q([1-4])", period, flags=re.IGNORECASE):
        year, quarter = max(int(match[1]), 1), int(match[2])
        first_month = 3 * quarter - 2
        last_day = calendar.monthrange(year, first_month + 2)[1]
        start, end = datetime.date(year, first_month, 1), datetime.date(year, first_month + 2, last_day)
        key = f"{year}-Q{quarter}"
    elif (match := re.fullmatch(r"([0-9]{4})-([0-9]{1,2})", period)) and 1 <= int(match[2]) <= 12:
        year, month = max(int(match[1]), 1), int(match[2])
        last_day = calendar.monthrange(year, month)[1]
        start, end, key = datetime.date(year, month, 1), datetime.date(year, month, last_day), f"{year}-{month:02d}"
    else:
        raise PeriodError(_("Enter a year (2023), a quarter (2023-Q4) or a month (2023-11)."))
    try:
        periods.year_check(start.year, today=today)
    except ValidationError as error:
        raise PeriodError(error.messages[0]) from error
    return _bounded(start, end, key, field_name="period", today=today)


# --- The scoped query ---------------------------------------------------------------


@dataclass(frozen=True)
class DashboardQuery:
    scope: Scope
    region_code: str | None  # the region shown (scope's own or narrower); None: national
    period: Period
    company_id: int | None = None
    program_id: int | None = None
    pillar: str = ""
    sdg: int | None = None
    sector: str = ""
    program_ids: tuple[int, ...] | None = None  # programs matching program/pillar/SDG; None: all

    @property
    def level(self) -> int:
        return 0 if self.region_code is None else self.region_code.count(".") + 1

    @property
    def company_view(self) -> bool:
        return self.scope.company_id is not None or self.company_id is not None

    def cache_key(self) -> str:
        """Scope first: two users of different scopes never share an entry."""
        payload = {
            "scope": [self.scope.company_id, self.scope.region_code, self.scope.nothing],
            "query": [self.region_code, self.period.key, self.company_id, self.program_id, self.pillar, self.sdg],
            "sector": self.sector,
            "language": get_language(),
            "version": data_version(),
        }
        digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:32]
        return f"reports:dashboard:{digest}"

    def fact_q(self, *, with_sector: bool = True) -> Q:
        """The filter on the roll-ups: the same scope as Disbursement.objects.visible_to(user)."""
        q = self.scope.q(company_field="company_id", region_code_field="region_code")
        q &= self.region_q("region_code") & self._prefix_q()
        q &= Q(month__gte=self.period.start.replace(day=1), month__lte=self.period.end)
        if self.company_id is not None:
            q &= Q(company_id=self.company_id)
        if self.program_ids is not None:
            q &= Q(program_id__in=self.program_ids)
        if with_sector and self.sector:
            q &= Q(sector=self.sector)
        return q

    def _prefix_q(self) -> Q:
        """Equal to region_q on the roll-ups, but on indexed columns (a LIKE cannot use them)."""
        codes = [c for c in (self.region_code, self.scope.region_code) if c]
        if not codes:
            return Q()
        code = max(codes, key=len)
        if code.count(".") == 0:
            return Q(province_code=code)
        return Q(province_code=code[:2], regency_code=code[:5])

    def region_q(self, field_name: str) -> Q:
        if self.region_code is None:
            return Q()
        return Q(**{field_name: self.region_code}) | Q(**{f"{field_name}__startswith": self.region_code + "."})

    def handovers(self, user, *, with_sector: bool = True):
        """The raw handovers behind the figures (counted statuses), for checks and lists."""
        qs = Disbursement.objects.visible_to(user).filter(
            self.region_q("region_code"),
            status__in=COMMITTED_STATUSES,
            handed_on__gte=self.period.start,
            handed_on__lte=self.period.end,
        )
        if self.company_id is not None:
            qs = qs.filter(company_id=self.company_id)
        if self.program_ids is not None:
            qs = qs.filter(program_id__in=self.program_ids)
        if with_sector and self.sector:
            qs = qs.filter(partner__sector=self.sector)
        return qs


@dataclass
class Options:
    """What the filter form offers: only values inside the user's scope."""

    companies: list = field(default_factory=list)
    programs: list = field(default_factory=list)


def _int_or_404(value: str) -> int | None:
    if not value:
        return None
    try:
        return int(value)
    except ValueError as error:
        raise Http404 from error


def latest_year_with_data(scope: Scope) -> int | None:
    """The latest year holding a counted handover in the scope (from the roll-ups: one indexed read)."""
    q = scope.q(company_field="company_id", region_code_field="region_code")
    latest = HandoverMonthFact.objects.filter(q).exclude(handovers=0, net_value=0).aggregate(m=Max("month"))["m"]
    return latest.year if latest else None


def _default_period(scope: Scope) -> str:
    """The dashboard opens on the latest year with handovers in the scope (this year without any)."""
    year = latest_year_with_data(scope)
    return str(year) if year else ""


def programs_offered(user) -> list[Program]:
    """The programs a user may pick: those `/programs/<id>/` shows them (drafts aside)."""
    return list(
        Program.objects.visible_to(user)
        .exclude(status=Program.Status.DRAFT)
        .prefetch_related("sdgs")
        .only("id", "name", "code", "company_id", "pillar")
        .order_by("company_id", "name")
    )


def dashboard_query(user, params: QueryDict) -> tuple[DashboardQuery, dict]:
    """Turn (user, GET parameters) into the scoped query; 404 for anything outside the scope.

    Returns the query and the reference data read on the way (programs, companies),
    so that the page needs no second look-up.
    """
    scope = scope_for(user)
    if scope.nothing:
        raise Http404
    region_code = params.get("region", "").strip() or scope.region_code
    region = None
    if region_code is not None:
        if not scope.covers_region_code(region_code):
            raise Http404
        region = Region.objects.filter(code=region_code).select_related("parent").first()
        if region is None:
            raise Http404
    # A malformed or unbounded period raises PeriodError: the callers answer 400 with its message.
    asked = params.get("period", "") or ("" if params.get("from") or params.get("to") else _default_period(scope))
    period = period_parse(period=asked, date_from=params.get("from", ""), date_to=params.get("to", ""))
    programs = programs_offered(user)
    companies = list(Company.objects.filter(scope.q(company_field="id")).order_by("name"))
    company_id = _int_or_404(params.get("company", ""))
    if company_id is not None and company_id not in {c.pk for c in companies}:
        raise Http404
    program_id = _int_or_404(params.get("program", ""))
    if program_id is not None and program_id not in {p.pk for p in programs}:
        raise Http404
    pillar = params.get("pillar", "") if params.get("pillar", "") in Pillar.values else ""
    sdg = _int_or_404(params.get("sdg", ""))
    sector = params.get("sector", "") if params.get("sector", "") in Sector.values else ""
    matching = [
        p
        for p in programs
        if (program_id is None or p.pk == program_id)
        and (not pillar or p.pillar == pillar)
        and (sdg is None or sdg in {s.number for s in p.sdgs.all()})
        and (company_id is None or p.company_id == company_id)
    ]
    narrowed = program_id is not None or pillar or sdg is not None
    query = DashboardQuery(
        scope=scope,
        region_code=region_code,
        period=period,
        company_id=company_id,
        program_id=program_id,
        pillar=pillar,
        sdg=sdg,
        sector=sector,
        program_ids=tuple(p.pk for p in matching) if narrowed else None,
    )
    return query, {"programs": programs, "companies": companies, "region": region}


# --- Figures from the roll-ups ------------------------------------------------------


def _child_field(query: DashboardQuery) -> str:
    return {0: "province_code", 1: "regency_code"}.get(query.level, "region_code")


def _reach_totals(rows) -> dict:
    totals = {"beneficiaries": 0, "reached": 0, "groups": 0, "naik_kelas": 0, "export": 0}
    by_sector: dict[str, int] = {}
    by_class: dict[int | None, int] = {}
    for row in rows:
        totals["beneficiaries"] += row["beneficiaries"]
        totals["reached"] += row["reached"]
        totals["groups"] += row["groups"]
        if row["naik_kelas"]:
            totals["naik_kelas"] += row["reached"]
        if row["has_export"]:
            totals["export"] += row["reached"]
        if row["beneficiaries"]:
            by_sector[row["sector"]] = by_sector.get(row["sector"], 0) + row["beneficiaries"]
            by_class[row["size_class"]] = by_class.get(row["size_class"], 0) + row["beneficiaries"]
    return {**totals, "by_sector": by_sector, "by_class": by_class}


def facts_figures(query: DashboardQuery) -> dict:
    """Every number of the page, from the roll-ups, in a constant number of queries."""
    q = query.fact_q()
    child = _child_field(query)
    handovers = HandoverMonthFact.objects.filter(q)
    dimensions = ("month", "program_id", "sector", child)
    if query.level == 0:
        # Nationally the roll-up holds thousands of cells a year: one GROUP BY per dimension.
        value = {"handovers": Sum("handovers"), "net": Sum("net_value"), "realised": Sum("realised_value")}
        by_month, by_program, by_sector_value, by_child = (
            {r.pop(name): r for r in handovers.values(name).annotate(**value).order_by()} for name in dimensions
        )
    else:
        # A province or less: a few hundred cells, read once and added up here.
        cells = (
            handovers.values_list(*dimensions)
            .annotate(Sum("handovers"), Sum("net_value"), Sum("realised_value"))
            .order_by()
        )
        by_month, by_program, by_sector_value, by_child = _fold_cells(cells)
    by_kind = dict(
        HandoverItemMonthFact.objects.filter(q)
        .values("item_kind")
        .annotate(net=Sum("net_value"))
        .order_by()
        .values_list("item_kind", "net")
    )
    year_slice = _reach_year_slice(query)
    if year_slice is not None:
        reach_rows, reach_by_child = _reach_from_year_facts(year_slice, child)
    else:
        reach_rows, reach_by_child = _reach_from_month_facts(q, child)
    return {
        "by_month": by_month,
        "by_program": by_program,
        "by_sector_value": by_sector_value,
        "by_child": by_child,
        "by_kind": by_kind,
        "reach": _reach_totals(reach_rows),
        "reach_by_child": reach_by_child,
    }


def _fold_cells(cells) -> tuple[dict, dict, dict, dict]:
    """(month, program, sector, child region, handovers, net, realised) rows -> a total per
    month, per program, per sector and per child region: {key: {handovers, net, realised}}."""
    totals: tuple[dict, dict, dict, dict] = ({}, {}, {}, {})
    for *keys, handovers, net, realised in cells:
        for by_key, key in zip(totals, keys, strict=True):
            total = by_key.get(key)
            if total is None:
                by_key[key] = {"handovers": handovers, "net": net, "realised": realised}
            else:
                total["handovers"] += handovers
                total["net"] += net
                total["realised"] += realised
    return totals


def _reach_year_slice(query: DashboardQuery) -> dict | None:
    """The ReachYearFact slice that answers this query, if one does: a whole calendar
    year, no program/pillar/SDG/sector filter, shown nationally or for one province."""
    period = query.period
    whole_year = period.start == datetime.date(period.start.year, 1, 1) and period.end == datetime.date(
        period.start.year, 12, 31
    )
    region = query.region_code or query.scope.region_code
    if not whole_year or query.program_ids is not None or query.sector or (region and len(region) != 2):
        return None
    company = query.company_id if query.company_id is not None else query.scope.company_id
    return {
        "year": period.start.year,
        "company_id": company if company is not None else ReachYearFact.ALL_COMPANIES,
        "province_code": region or ReachYearFact.NATIONAL,
    }


def _reach_from_year_facts(year_slice: dict, child: str) -> tuple[list, dict]:
    rows = list(
        ReachYearCount.objects.filter(**year_slice)
        .values("sector", "size_class", "naik_kelas", "has_export")
        .annotate(
            beneficiaries=Coalesce(Sum("entities", filter=Q(role=Role.BENEFICIARY)), 0),
            reached=Coalesce(Sum("entities", filter=Q(role=ReachYearFact.REACHED)), 0),
            groups=Coalesce(Sum("entities", filter=Q(role=Role.GROUP)), 0),
        )
        .order_by()
    )
    if child != "province_code":
        region_q = Q(province_code=year_slice["province_code"])
        months = Q(month__year=year_slice["year"])
        company = year_slice["company_id"]
        month_q = region_q & months & (Q(company_id=company) if company != ReachYearFact.ALL_COMPANIES else Q())
        return rows, _reach_by_child_from_months(month_q, child)
    by_child = (
        ReachYearCount.objects.filter(
            year=year_slice["year"], company_id=year_slice["company_id"], role=Role.BENEFICIARY
        )
        .exclude(province_code=ReachYearFact.NATIONAL)
        .values("province_code")
        .annotate(n=Sum("entities"))
        .order_by()
        .values_list("province_code", "n")
    )
    return rows, dict(by_child)


def _reach_by_child_from_months(q: Q, child: str) -> dict:
    return dict(
        ReachMonthFact.objects.filter(q, role=Role.BENEFICIARY)
        .values(child)
        .annotate(n=Count("entity_id", distinct=True))
        .order_by()
        .values_list(child, "n")
    )


def _reach_from_month_facts(q: Q, child: str) -> tuple[list, dict]:
    rows = list(
        ReachMonthFact.objects.filter(q)
        .values("sector", "size_class", "naik_kelas", "has_export")
        .annotate(
            beneficiaries=Count("entity_id", distinct=True, filter=Q(role=Role.BENEFICIARY)),
            reached=Count("entity_id", distinct=True, filter=Q(role__in=[Role.BENEFICIARY, Role.PARTICIPANT])),
            groups=Count("entity_id", distinct=True, filter=Q(role=Role.GROUP)),
        )
        .order_by()
    )
    return rows, _reach_by_child_from_months(q, child)


def activity_figures(query: DashboardQuery) -> dict:
    """Activities are few: counted from the records, with the same scope."""
    activities = Activity.objects.filter(
        query.scope.q(company_field="program__company_id", region_code_field="region_code"),
        query.region_q("region_code"),
        start_date__gte=query.period.start,
        start_date__lte=query.period.end,
    )
    if query.company_id is not None:
        activities = activities.filter(program__company_id=query.company_id)
    if query.program_ids is not None:
        activities = activities.filter(program_id__in=query.program_ids)
    if query.sector:
        return activities.aggregate(
            activities=Count("id", distinct=True, filter=Q(participants__partner__sector=query.sector)),
            participants=Count("participants", filter=Q(participants__partner__sector=query.sector)),
        )
    return activities.aggregate(activities=Count("id", distinct=True), participants=Count("participants"))


def budget_total(query: DashboardQuery, programs: list) -> int:
    ids = [
        p.pk
        for p in programs
        if (query.program_ids is None or p.pk in query.program_ids)
        and (query.company_id is None or p.company_id == query.company_id)
    ]
    return (
        ProgramBudget.objects.filter(program_id__in=ids, year__in=query.period.years).aggregate(t=Sum("amount"))["t"]
        or 0
    )


# --- Figures from the raw records (the reference the roll-ups must equal) ----------


def raw_figures(query: DashboardQuery, user) -> dict:
    """The headline figures straight from the handovers; slow at scale, used to check the roll-ups."""
    handovers = query.handovers(user)
    net, realised = handovers.net_amount(), handovers.realised().net_amount()
    if query.sector:  # members' shares of group handovers count under their own sector
        every = query.handovers(user, with_sector=False)
        net += _shares_net(every, query.sector)
        realised += _shares_net(every.realised(), query.sector)
    count = handovers.filter(kind=Kind.HANDOVER).count() - handovers.filter(kind=Kind.REVERSAL).count()
    reversed_ids = Disbursement.objects.filter(kind=Kind.REVERSAL, status__in=COMMITTED_STATUSES).values("reverses_id")
    counted = query.handovers(user, with_sector=False).filter(kind=Kind.HANDOVER).exclude(pk__in=reversed_ids)
    direct = Partner.objects.filter(disbursements__in=counted)
    members = Partner.objects.filter(allocations__disbursement__in=counted, allocations__amount__gt=0)
    if query.sector:
        direct, members = direct.filter(sector=query.sector), members.filter(sector=query.sector)
    beneficiary_ids = set(direct.values_list("pk", flat=True)) | set(members.values_list("pk", flat=True))
    groups = set(counted.exclude(group=None).values_list("group_id", flat=True)) if not query.sector else set()
    by_kind = dict(
        Item.objects.filter(disbursement__in=handovers)
        .values("kind")
        .annotate(net=Sum("total", filter=Q(disbursement__kind=Kind.HANDOVER)) - _coalesce_reversal())
        .values_list("kind", "net")
    )
    return {
        "handovers": count,
        "net": net,
        "realised": realised,
        "beneficiaries": len(beneficiary_ids),
        "groups": len(groups),
        "by_kind": {k: v for k, v in by_kind.items() if v},
    }


def _shares_net(handovers, sector: str) -> int:
    """Group members' allocations in `sector`: handovers add, reversals subtract."""
    totals = Allocation.objects.filter(disbursement__in=handovers, partner__sector=sector).aggregate(
        plus=Sum("amount", filter=Q(disbursement__kind=Kind.HANDOVER)),
        minus=Sum("amount", filter=Q(disbursement__kind=Kind.REVERSAL)),
    )
    return (totals["plus"] or 0) - (totals["minus"] or 0)


def _coalesce_reversal():
    return Coalesce(Sum("total", filter=Q(disbursement__kind=Kind.REVERSAL)), 0)


# --- The page's data, cached --------------------------------------------------------


def dashboard_data(query: DashboardQuery, refs: dict, *, use_cache: bool = True) -> dict:
    key = query.cache_key()
    if use_cache:
        data = cache.get(key)
        if data is not None:
            return data
    data = _compute(query, refs)
    if use_cache:
        cache.set(key, data, CACHE_SECONDS)
    return data


def _sum(rows, name: str) -> int:
    return sum((r[name] or 0) for r in rows)


def _compute(query: DashboardQuery, refs: dict) -> dict:
    facts = facts_figures(query)
    activities = activity_figures(query)
    programs = {p.pk: p for p in refs["programs"]}
    companies = {c.pk: c for c in refs["companies"]}
    month_rows = facts["by_month"].values()
    net, realised = _sum(month_rows, "net"), _sum(month_rows, "realised")
    budget = budget_total(query, refs["programs"]) if query.company_view else None
    headline = {
        "handovers": _sum(month_rows, "handovers"),
        "net": net,
        "realised": realised,
        "budget": budget,
        "realisation_pct": round(realised * 100 / budget, 1) if budget else None,
        **{k: v for k, v in facts["reach"].items() if not k.startswith("by_")},
        "activities": activities["activities"] or 0,
        "participants": activities["participants"] or 0,
    }
    trend = [{"month": m, "net": (facts["by_month"].get(m) or {}).get("net") or 0} for m in query.period.months()]
    by_program, by_company, by_pillar, by_sdg = [], {}, {}, {}
    for program_id, row in facts["by_program"].items():
        program = programs.get(program_id)
        name = program.name if program else f"#{program_id}"
        by_program.append({"id": program_id, "label": name, "net": row["net"], "handovers": row["handovers"]})
        if program is None:
            continue
        company = companies.get(program.company_id)
        entry = by_company.setdefault(program.company_id, {"id": program.company_id, "label": str(company or "")})
        entry["net"] = entry.get("net", 0) + row["net"]
        pillar = by_pillar.setdefault(
            program.pillar, {"id": program.pillar, "label": str(Pillar(program.pillar).label)}
        )
        pillar["net"] = pillar.get("net", 0) + row["net"]
        for sdg in program.sdgs.all():
            entry = by_sdg.setdefault(sdg.number, {"id": sdg.number, "label": str(sdg), "net": 0})
            entry["net"] += row["net"]
    by_sector = sector_breakdown(facts)
    class_labels = dict(SizeClass.choices)
    by_class = [
        {"id": c, "label": str(class_labels.get(c, _("Not assessed"))), "beneficiaries": n}
        for c, n in facts["reach"]["by_class"].items()
    ]
    kind_labels = dict(Item.Kind.choices)
    by_kind = [{"id": k, "label": str(kind_labels.get(k, k)), "net": v} for k, v in facts["by_kind"].items() if v]
    child_codes = set(facts["by_child"]) | set(facts["reach_by_child"]) if query.level < 3 else set()
    names = dict(Region.objects.filter(code__in=child_codes).values_list("code", "name"))
    children = [
        {
            "code": code,
            "label": names.get(code, code) if _is_child(query, code) else _unplaced_label(query),
            "unplaced": not _is_child(query, code),
            "net": (facts["by_child"].get(code) or {}).get("net") or 0,
            "handovers": (facts["by_child"].get(code) or {}).get("handovers") or 0,
            "beneficiaries": facts["reach_by_child"].get(code, 0),
        }
        for code in child_codes
    ]

    def by_net(rows):
        return sorted(rows, key=lambda r: (-(r.get("net") or 0), str(r["label"])))

    return {
        "headline": headline,
        "trend": trend,
        "by_program": by_net(by_program),
        "by_company": by_net(by_company.values()),
        "by_pillar": by_net(by_pillar.values()),
        "by_sdg": sorted(by_sdg.values(), key=lambda r: r["id"]),
        "by_sector": by_net(by_sector),
        "by_class": sorted(by_class, key=lambda r: (r["id"] is None, r["id"] or 0)),
        "by_kind": by_net(by_kind),
        "children": by_net(children),
    }


def sector_breakdown(facts: dict) -> list[dict]:
    """Net value and beneficiaries per sector, for the dashboard and the impact reports alike.

    The rule (stated under the dashboard and in the reports): a group handover's money is
    split among its members by their allocations and counted under each member's sector; a
    member allocated Rp0 is no beneficiary; any unallocated remainder stays on the group line.
    The roll-ups hold the split (reports.aggregates); this only names and pairs the rows.
    """
    sector_labels = dict(Sector.choices)
    rows = [
        {
            "id": code,
            "label": str(sector_labels.get(code, _("Business groups (mixed sectors)"))),
            "net": row["net"],
            "beneficiaries": facts["reach"]["by_sector"].get(code, 0),
        }
        for code, row in facts["by_sector_value"].items()
    ]
    return [row for row in rows if row["net"] or row["beneficiaries"]]


def _is_child(query: DashboardQuery, code: str) -> bool:
    """One level below the region shown: records held at the region itself are not its children."""
    return bool(code) and code.count(".") == query.level


def _unplaced_label(query: DashboardQuery) -> str:
    if query.level == 0:
        return _("Province not recorded")
    if query.level == 1:
        return _("Regency or city not recorded")
    return _("District not recorded")


def query_as_dict(query: DashboardQuery) -> dict:
    return asdict(query)


def figures_for(user, data: dict) -> dict:
    """The figures as `user` may read them: the budget and its realisation only for roles
    holding programs.view_programbudget (the realisation would give the budget away)."""
    if budget_visible_to(user):
        return data
    return {**data, "headline": {**data["headline"], "budget": None, "realisation_pct": None}}
