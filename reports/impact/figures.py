"""The figures of an impact report: one dict for (period, scope), exactly what is printed.

Aggregates come from the dashboard's own functions (the same roll-ups, so the report
and the dashboard agree); lists that need the records (names, the annex) come from
`Disbursement.objects.in_scope(scope)`. Everything is JSON-ready: strings, ints, lists.
"""

import calendar
import datetime
import hashlib
import json

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Company
from accounts.scope import Scope
from disbursements.models import COMMITTED_STATUSES, Disbursement
from partners.models import Partner
from programs.models import Program, ProgramBudget
from regions.models import Region

from ..dashboard import DashboardQuery, Period, dashboard_data, facts_figures
from ..models import HandoverMonthFact, ReachMonthFact

Role = ReachMonthFact.Role

# Handovers printed in the annex of a province or regency report; the .xlsx always has them all.
ANNEX_LIMIT = 1500
# Business names listed for "moved up a class" and "reached export" (the counts are always complete).
NAMES_LIMIT = 200
# Regencies listed in a national report (a province report lists all of its own).
REGENCY_LIMIT = 30


def period_for(kind: str, start: datetime.date) -> Period:
    """The month, quarter or year that begins on `start`."""
    if kind == "month":
        end = start.replace(day=calendar.monthrange(start.year, start.month)[1])
        return Period(start, end, f"{start:%Y-%m}")
    if kind == "quarter":
        last = start.month + 2
        end = datetime.date(start.year, last, calendar.monthrange(start.year, last)[1])
        return Period(start, end, f"{start.year}-Q{(start.month - 1) // 3 + 1}")
    return Period(start, datetime.date(start.year, 12, 31), f"{start.year}")


def period_start(kind: str, year: int, number: int = 1) -> datetime.date:
    """First day of month `number`, quarter `number` or of the year."""
    if kind == "month":
        return datetime.date(year, number, 1)
    if kind == "quarter":
        return datetime.date(year, 3 * number - 2, 1)
    return datetime.date(year, 1, 1)


def period_closed_before(kind: str, day: datetime.date) -> datetime.date:
    """Start of the month, quarter or year that ended just before `day`."""
    last_day = day.replace(day=1) - datetime.timedelta(days=1)
    if kind == "month":
        return last_day.replace(day=1)
    if kind == "quarter":
        anchor = datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1) - datetime.timedelta(days=1)
        return period_start("quarter", anchor.year, (anchor.month - 1) // 3 + 1)
    return datetime.date(day.year - 1, 1, 1)


def previous_period(kind: str, start: datetime.date) -> Period:
    if kind == "month":
        return period_for(kind, (start - datetime.timedelta(days=1)).replace(day=1))
    if kind == "quarter":
        day = start - datetime.timedelta(days=1)
        return period_for(kind, period_start("quarter", day.year, (day.month - 1) // 3 + 1))
    return period_for(kind, datetime.date(start.year - 1, 1, 1))


def same_period_last_year(kind: str, start: datetime.date) -> Period:
    return period_for(kind, start.replace(year=start.year - 1))


def figures_hash(figures: dict) -> str:
    """SHA-256 of the canonical JSON (sorted keys, no spaces)."""
    canonical = json.dumps(figures, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _refs(scope: Scope, region: Region | None) -> dict:
    programs = list(
        Program.objects.filter(scope.q(company_field="company_id"))
        .exclude(status=Program.Status.DRAFT)
        .prefetch_related("sdgs")
        .only("id", "name", "code", "company_id", "pillar")
        .order_by("company_id", "name")
    )
    companies = list(Company.objects.filter(scope.q(company_field="id")).order_by("name"))
    return {"programs": programs, "companies": companies, "region": region}


def _query(scope: Scope, period: Period) -> DashboardQuery:
    return DashboardQuery(scope=scope, region_code=scope.region_code, period=period)


def _rows(rows, *keys) -> list[dict]:
    def value(row, key):
        raw = row.get(key)
        return str(raw) if key in ("label", "id", "code") and raw is not None else raw

    return [{key: value(row, key) for key in keys} for row in rows]


def _headline(data: dict) -> dict:
    h = data["headline"]
    keys = ("handovers", "net", "realised", "budget", "beneficiaries", "reached", "groups", "naik_kelas", "export")
    out = {k: h.get(k) for k in keys}
    out["activities"], out["participants"] = h.get("activities") or 0, h.get("participants") or 0
    out["realisation_pct"] = float(h["realisation_pct"]) if h.get("realisation_pct") is not None else None
    return out


def _programs(scope: Scope, period: Period, refs: dict) -> list[dict]:
    """Budget (of the years the period touches) and net/realised value per program of the company."""
    by_program = facts_figures(_query(scope, period))["by_program"]
    budgets = dict(
        ProgramBudget.objects.filter(program__in=refs["programs"], year__in=period.years)
        .values("program_id")
        .annotate(total=Sum("amount"))
        .values_list("program_id", "total")
    )
    rows = []
    for program in refs["programs"]:
        values = by_program.get(program.pk) or {}
        budget = budgets.get(program.pk) or 0
        if not (values or budget):
            continue
        realised = values.get("realised") or 0
        rows.append(
            {
                "code": program.code,
                "label": program.name,
                "budget": budget,
                "net": values.get("net") or 0,
                "realised": realised,
                "handovers": values.get("handovers") or 0,
                "realisation_pct": round(realised * 100 / budget, 1) if budget else None,
            }
        )
    return sorted(rows, key=lambda r: (-r["net"], r["label"]))


def _personal_name_masked(business_name: str, owner_name: str) -> str:
    """A business named after its owner is personal: shown as initials only."""
    if owner_name and owner_name.strip().casefold() in business_name.casefold():
        return " ".join(f"{word[0]}." for word in business_name.split() if word)
    return business_name


def _named_partners(query: DashboardQuery, flag: str) -> dict:
    entity_ids = (
        ReachMonthFact.objects.filter(query.fact_q(), **{flag: True}, role__in=[Role.BENEFICIARY, Role.PARTICIPANT])
        .values_list("entity_id", flat=True)
        .distinct()
    )
    partners = Partner.objects.filter(pk__in=entity_ids).order_by("business_name", "pk")
    names = [
        _personal_name_masked(name, owner)
        for name, owner in partners.values_list("business_name", "owner_name")[:NAMES_LIMIT]
    ]
    return {"count": partners.count(), "names": names}


def _by_regency(query: DashboardQuery) -> list[dict]:
    """Regencies and cities (two levels below a national scope), largest first; all of them for a province."""
    q = query.fact_q()
    rows = list(
        HandoverMonthFact.objects.filter(q)
        .values("regency_code")
        .annotate(net=Sum("net_value"), handovers=Sum("handovers"))
        .order_by("-net", "regency_code")[: REGENCY_LIMIT if query.level == 0 else None]
    )
    codes = [r["regency_code"] for r in rows]
    beneficiaries = dict(
        ReachMonthFact.objects.filter(q, role=Role.BENEFICIARY, regency_code__in=codes)
        .values("regency_code")
        .annotate(n=Count("entity_id", distinct=True))
        .order_by()
        .values_list("regency_code", "n")
    )
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    return [
        {
            "code": r["regency_code"],
            "label": names.get(r["regency_code"], r["regency_code"]),
            "net": r["net"] or 0,
            "handovers": r["handovers"] or 0,
            "beneficiaries": beneficiaries.get(r["regency_code"], 0),
        }
        for r in rows
    ]


def handovers_in(scope: Scope, period: Period):
    """The counted handovers (and reversals) of the period in the scope, oldest first."""
    return (
        Disbursement.objects.in_scope(scope)
        .filter(status__in=COMMITTED_STATUSES, handed_on__gte=period.start, handed_on__lte=period.end)
        .order_by("handed_on", "pk")
    )


HANDOVER_COLUMNS = (
    "number",
    "handed_on",
    "kind",
    "status",
    "company__short_name",
    "program__name",
    "partner__business_name",
    "partner__owner_name",
    "group__name",
    "region_code",
    "total",
)


def handover_rows(queryset, region_names: dict, *, chunk_size: int = 2000):
    """Rows of the handover list (no owner names or NIKs), streamed from the database."""
    for number, day, kind, status, company, program, business, owner, group, code, total in queryset.values_list(
        *HANDOVER_COLUMNS
    ).iterator(chunk_size=chunk_size):
        recipient = group or _personal_name_masked(business or "", owner or "")
        yield {
            "number": number,
            "date": day.isoformat(),
            "kind": kind,
            "status": status,
            "company": company,
            "program": program,
            "recipient": recipient,
            "region": region_names.get(code[:5], code) if code else "",
            "district": region_names.get(code, "") if len(code) > 5 else "",
            "amount": -total if kind == Disbursement.Kind.REVERSAL else total,
        }


def region_names() -> dict[str, str]:
    return dict(Region.objects.values_list("code", "name"))


def _annex(scope: Scope, period: Period) -> dict:
    queryset = handovers_in(scope, period)
    names = dict(Region.objects.filter(code__startswith=scope.region_code[:2]).values_list("code", "name"))
    rows = []
    for row in handover_rows(queryset[: ANNEX_LIMIT + 1], names, chunk_size=ANNEX_LIMIT + 1):
        rows.append(row)
    return {"rows": rows[:ANNEX_LIMIT], "truncated": len(rows) > ANNEX_LIMIT, "total": queryset.count()}


def _charts_data(data: dict) -> dict:
    return {
        "trend": [{"label": row["month"].strftime("%m/%y"), "net": row["net"]} for row in data["trend"]],
    }


def build_figures(*, period: Period, kind: str, scope: Scope, progress=None) -> dict:
    """Every figure of the report for (period, scope), in the active language."""
    step = progress or (lambda percent, note: None)
    region = Region.objects.filter(code=scope.region_code).first() if scope.region_code else None
    refs = _refs(scope, region)
    query = _query(scope, period)
    step(15, _("Totals and breakdowns"))
    data = dashboard_data(query, refs, use_cache=False)
    company = Company.objects.filter(pk=scope.company_id).first() if scope.company_id else None
    figures = {
        "period": {"kind": kind, "key": period.key, "start": period.start.isoformat(), "end": period.end.isoformat()},
        "scope": {
            "company": company.name if company else None,
            "company_short": company.short_name if company else None,
            "region_code": region.code if region else None,
            "region": region.name if region else None,
            "region_level": region.level if region else 0,
            "province": (region.parent.name if region and region.parent_id and region.level == 2 else None),
        },
        "summary": _headline(data),
        "by_pillar": _rows(data["by_pillar"], "id", "label", "net"),
        "by_sdg": _rows(data["by_sdg"], "id", "label", "net"),
        "by_kind": _rows(data["by_kind"], "id", "label", "net"),
        "by_region": _rows(data["children"], "code", "label", "net", "handovers", "beneficiaries"),
        "by_regency": _by_regency(query) if query.level < 1 else [],
        "by_sector": _rows(data["by_sector"], "id", "label", "net", "beneficiaries"),
        "by_class": _rows(data["by_class"], "id", "label", "beneficiaries"),
        "by_company": _rows(data["by_company"], "id", "label", "net") if scope.company_id is None else [],
        "trend": _charts_data(data)["trend"],
    }
    step(35, _("Budget and realisation per program"))
    figures["programs"] = _programs(scope, period, refs) if scope.company_id else []
    step(45, _("Partners moving up a class and reaching export"))
    figures["naik_kelas"] = _named_partners(query, "naik_kelas")
    figures["export"] = _named_partners(query, "has_export")
    step(55, _("Comparison with earlier periods"))
    # For a year, the previous period is the same period last year: one column, never the same year twice.
    figures["comparison"] = {
        "previous": _comparison(scope, previous_period(kind, period.start), refs),
        "last_year": None if kind == "year" else _comparison(scope, same_period_last_year(kind, period.start), refs),
    }
    figures["annex"] = _annex(scope, period) if scope.region_code else None
    return figures


def _comparison(scope: Scope, period: Period, refs: dict) -> dict:
    data = dashboard_data(_query(scope, period), refs, use_cache=False)
    summary = _headline(data)
    return {"key": period.key, **{k: summary[k] for k in ("handovers", "net", "realised", "beneficiaries")}}


def generated_now() -> str:
    return timezone.localtime().isoformat(timespec="seconds")


# --- What differs between two versions ------------------------------------------------

DIFF_SECTIONS = (
    "by_pillar",
    "by_sdg",
    "by_kind",
    "by_region",
    "by_regency",
    "by_sector",
    "by_class",
    "by_company",
    "programs",
)


def _flatten(figures: dict) -> dict[str, tuple[str, int | float | None]]:
    """(section.key.field) -> (label, value) for every printed number that can be compared."""
    flat = {}
    for key, value in (figures.get("summary") or {}).items():
        flat[f"summary.{key}"] = (key, value)
    for section in DIFF_SECTIONS:
        for row in figures.get(section) or []:
            ident = row.get("code") or row.get("id")
            for field, value in row.items():
                if field not in ("id", "code", "label") and isinstance(value, int | float):
                    flat[f"{section}.{ident}.{field}"] = (f"{row.get('label')}", value)
    for flag in ("naik_kelas", "export"):
        flat[f"{flag}.count"] = (flag, (figures.get(flag) or {}).get("count"))
    annex = figures.get("annex") or {}
    if annex:
        flat["annex.total"] = ("annex", annex.get("total"))
    return flat


def figures_diff(previous: dict, current: dict, *, previous_version: int) -> dict:
    """What changed from the previous version: each number that differs, with both values."""
    before, after = _flatten(previous), _flatten(current)
    changes = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key, (None, None)), after.get(key, (None, None))
        if old[1] != new[1]:
            section = key.partition(".")[0]
            changes.append(
                {"key": key, "section": section, "label": new[0] or old[0], "before": old[1], "after": new[1]}
            )
    return {"previous_version": previous_version, "changes": changes}
