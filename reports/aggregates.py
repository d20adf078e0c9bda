"""Build and refresh the dashboard roll-ups (reports.models *MonthFact) from the raw records.

One set of SQL statements serves both a full rebuild (`INSERT ... SELECT ... GROUP BY`,
fast on PostgreSQL) and the refresh of one cell (month, company, program, region) after
a handover changes status: delete the cell's rows, insert them again from the raw
tables. Both are idempotent, so running them twice or in parallel converges.
"""

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, F, Q

from disbursements.models import COMMITTED_STATUSES, REALISED_STATUSES, Allocation, Disbursement
from partners.models import Partner
from programs.models import Activity, ActivityParticipant, Program

from .models import HandoverItemMonthFact, HandoverMonthFact, ReachMonthFact, ReachYearCount, ReachYearFact

# Raw SQL below: table names come from model metadata, every value is a bound parameter.
VERSION_KEY = "reports:dashboard:data-version"

COUNTED = ", ".join(f"'{s.value}'" for s in COMMITTED_STATUSES)
REALISED = ", ".join(f"'{s.value}'" for s in REALISED_STATUSES)
# Values of the choices, quoted for the SQL below.
_Role = ReachMonthFact.Role
B, G, P = (f"'{role.value}'" for role in (_Role.BENEFICIARY, _Role.GROUP, _Role.PARTICIPANT))
R = f"'{ReachYearFact.REACHED}'"
HANDOVER, REVERSAL = (f"'{kind.value}'" for kind in (Disbursement.Kind.HANDOVER, Disbursement.Kind.REVERSAL))
SIGN = f"CASE WHEN d.kind = {REVERSAL} THEN -1 ELSE 1 END"


def _month(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS date)"
    return f"date({column}, 'start of month')"


def _tables() -> dict[str, str]:
    return {
        "d": Disbursement._meta.db_table,
        "item": Disbursement.items.rel.related_model._meta.db_table,
        "alloc": Allocation._meta.db_table,
        "partner": Partner._meta.db_table,
        "activity": Activity._meta.db_table,
        "participant": ActivityParticipant._meta.db_table,
        "program": Program._meta.db_table,
        "hmf": HandoverMonthFact._meta.db_table,
        "himf": HandoverItemMonthFact._meta.db_table,
        "rmf": ReachMonthFact._meta.db_table,
        "ryf": ReachYearFact._meta.db_table,
    }


CELL_COLUMNS = "month, company_id, program_id, province_code, regency_code, region_code"


def _cell_select(date_column: str, region_column: str, company: str, program: str) -> str:
    return (
        f"{_month(date_column)}, {company}, {program}, substr({region_column}, 1, 2), "
        f"substr({region_column}, 1, 5), {region_column}"
    )


@dataclass(frozen=True)
class Cell:
    """A slice of the roll-ups: a date range and optionally one company, program and region."""

    date_from: datetime.date | None = None
    date_to: datetime.date | None = None  # exclusive
    company_id: int | None = None
    program_id: int | None = None
    region_code: str | None = None

    def where(self, *, date_column: str, alias: str) -> tuple[str, list]:
        parts, params = [f"{date_column} IS NOT NULL"], []
        for column, value in (
            (f"{date_column} >=", self.date_from),
            (f"{date_column} <", self.date_to),
            (f"{alias}.company_id =" if alias == "d" else "pr.company_id =", self.company_id),
            (f"{alias}.program_id =", self.program_id),
            (f"{alias}.region_code =", self.region_code),
        ):
            if value is not None:
                parts.append(f"{column} %s")
                params.append(value)
        return " AND ".join(parts), params

    def fact_filter(self) -> dict:
        filters = {}
        if self.date_from is not None:
            filters["month__gte"] = self.date_from
        if self.date_to is not None:
            filters["month__lt"] = self.date_to
        for field in ("company_id", "program_id", "region_code"):
            if getattr(self, field) is not None:
                filters[field] = getattr(self, field)
        return filters


def _handover_statements(cell: Cell) -> list[tuple[str, list]]:
    t = _tables()
    where, params = cell.where(date_column="d.handed_on", alias="d")
    cell_cols = _cell_select("d.handed_on", "d.region_code", "d.company_id", "d.program_id")
    not_reversed = f"NOT EXISTS (SELECT 1 FROM {t['d']} r WHERE r.reverses_id = d.id AND r.status IN ({COUNTED}))"  # noqa: S608
    member_attrs = "p.sector, p.current_class, COALESCE(p.current_class > p.joining_class, FALSE), p.has_export"
    # MONEY_RULE: a group handover's money goes to its members' sectors by their allocations
    # (the handover itself counted once, on the group line, with any unallocated remainder).
    shares = f"""
        SELECT d.handed_on, d.company_id, d.program_id, d.region_code, d.kind, d.status,
               COALESCE(p.sector, '') AS sector, 1 AS n,
               d.total - COALESCE((SELECT SUM(a.amount) FROM {t["alloc"]} a WHERE a.disbursement_id = d.id), 0)
                 AS amount
        FROM {t["d"]} d LEFT JOIN {t["partner"]} p ON p.id = d.partner_id
        WHERE d.status IN ({COUNTED}) AND {where}
        UNION ALL
        SELECT d.handed_on, d.company_id, d.program_id, d.region_code, d.kind, d.status, p.sector, 0, a.amount
        FROM {t["d"]} d JOIN {t["alloc"]} a ON a.disbursement_id = d.id JOIN {t["partner"]} p ON p.id = a.partner_id
        WHERE d.status IN ({COUNTED}) AND {where}"""  # noqa: S608
    handovers = f"""
        INSERT INTO {t["hmf"]} ({CELL_COLUMNS}, sector, handovers, net_value, realised_value)
        SELECT {cell_cols}, d.sector, SUM({SIGN} * d.n), SUM({SIGN} * d.amount),
               SUM(CASE WHEN d.status IN ({REALISED}) THEN {SIGN} * d.amount ELSE 0 END)
        FROM ({shares}) d
        GROUP BY 1, 2, 3, 4, 5, 6, 7"""  # noqa: S608
    items = f"""
        INSERT INTO {t["himf"]} ({CELL_COLUMNS}, sector, item_kind, net_value)
        SELECT {cell_cols}, COALESCE(p.sector, ''), i.kind, SUM({SIGN} * i.total)
        FROM {t["d"]} d JOIN {t["item"]} i ON i.disbursement_id = d.id
        LEFT JOIN {t["partner"]} p ON p.id = d.partner_id
        WHERE d.status IN ({COUNTED}) AND {where}
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8"""  # noqa: S608
    reach = f"""
        INSERT INTO {t["rmf"]} ({CELL_COLUMNS}, role, entity_id, sector, size_class, naik_kelas, has_export)
        SELECT DISTINCT {cell_cols}, {B}, p.id, {member_attrs}
        FROM {t["d"]} d JOIN {t["partner"]} p ON p.id = d.partner_id
        WHERE d.kind = {HANDOVER} AND d.status IN ({COUNTED}) AND {not_reversed} AND {where}
        UNION
        SELECT {cell_cols}, {B}, p.id, {member_attrs}
        FROM {t["d"]} d JOIN {t["alloc"]} a ON a.disbursement_id = d.id JOIN {t["partner"]} p ON p.id = a.partner_id
        WHERE d.kind = {HANDOVER} AND d.status IN ({COUNTED}) AND a.amount > 0 AND {not_reversed} AND {where}
        UNION
        SELECT {cell_cols}, {G}, d.group_id, '', NULL, FALSE, FALSE
        FROM {t["d"]} d
        WHERE d.group_id IS NOT NULL AND d.kind = {HANDOVER} AND d.status IN ({COUNTED}) AND {not_reversed}
          AND {where}"""  # noqa: S608
    return [(handovers, params * 2), (items, params), (reach, params * 3)]


def _participant_statement(cell: Cell) -> tuple[str, list]:
    t = _tables()
    where, params = cell.where(date_column="act.start_date", alias="act")
    cell_cols = _cell_select("act.start_date", "act.region_code", "pr.company_id", "act.program_id")
    sql = f"""
        INSERT INTO {t["rmf"]} ({CELL_COLUMNS}, role, entity_id, sector, size_class, naik_kelas, has_export)
        SELECT DISTINCT {cell_cols}, {P}, p.id, p.sector, p.current_class,
               COALESCE(p.current_class > p.joining_class, FALSE), p.has_export
        FROM {t["participant"]} ap JOIN {t["activity"]} act ON act.id = ap.activity_id
        JOIN {t["program"]} pr ON pr.id = act.program_id JOIN {t["partner"]} p ON p.id = ap.partner_id
        WHERE {where}"""  # noqa: S608
    return sql, params


@transaction.atomic
def facts_rebuild(*, cell: Cell | None = None, participants: bool = True) -> None:
    """Recompute the roll-ups of `cell` (everything when None) from the raw tables."""
    _facts_writer_lock()
    cell = cell or Cell()
    filters = cell.fact_filter()
    for model in (HandoverMonthFact, HandoverItemMonthFact):
        model.objects.filter(**filters).delete()
    Role = ReachMonthFact.Role
    roles = [Role.BENEFICIARY, Role.GROUP, Role.PARTICIPANT] if participants else [Role.BENEFICIARY, Role.GROUP]
    ReachMonthFact.objects.filter(role__in=roles, **filters).delete()
    statements = _handover_statements(cell)
    if participants:
        statements.append(_participant_statement(cell))
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
    if cell.program_id is None and cell.company_id is None and cell.region_code is None:
        reach_years_rebuild(years=_years_in(cell))
    if connection.vendor == "postgresql" and cell == Cell():
        with connection.cursor() as cursor:
            for table in ("hmf", "himf", "rmf", "ryf"):
                cursor.execute(f"ANALYZE {_tables()[table]}")
    transaction.on_commit(data_version_bump)


def month_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = day.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, following


FACTS_LOCK_KEY = 730_116_001  # any constant: the advisory lock of the roll-up writers


def _facts_writer_lock() -> None:
    """One roll-up writer at a time: each deletes a cell and inserts it again, so two
    concurrent refreshes of the same cell would both insert (duplicate key or double count)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [FACTS_LOCK_KEY])


@transaction.atomic
def facts_refresh_handover(*, disbursement: Disbursement) -> None:
    """Refresh the one cell a handover (or reversal) counts in."""
    _facts_writer_lock()
    if disbursement.handed_on is None:
        data_version_bump()
        return
    first, following = month_bounds(disbursement.handed_on)
    cell = Cell(
        date_from=first,
        date_to=following,
        company_id=disbursement.company_id,
        program_id=disbursement.program_id,
        region_code=disbursement.region_code,
    )
    facts_rebuild(cell=cell, participants=False)
    partner_ids = {disbursement.partner_id, *disbursement.allocations.values_list("partner_id", flat=True)}
    reach_year_refresh(
        year=disbursement.handed_on.year,
        partner_ids=partner_ids - {None},
        group_ids={disbursement.group_id} - {None},
    )


@transaction.atomic
def facts_refresh_participants(*, program_id: int) -> None:
    """Activities are few: refresh every participant row of their program."""
    _facts_writer_lock()
    old = ReachMonthFact.objects.filter(role=ReachMonthFact.Role.PARTICIPANT, program_id=program_id)
    touched = set(old.values_list("entity_id", "month"))
    old.delete()
    sql, params = _participant_statement(Cell(program_id=program_id))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    touched |= set(
        ReachMonthFact.objects.filter(role=ReachMonthFact.Role.PARTICIPANT, program_id=program_id).values_list(
            "entity_id", "month"
        )
    )
    for year in {month.year for _entity, month in touched}:
        reach_year_refresh(year=year, partner_ids={entity for entity, _month in touched}, group_ids=set())
    transaction.on_commit(data_version_bump)


# --- Yearly reach: distinct counts as row counts ---------------------------------------

# (company column, province column) of the four slices: all/national, company, province, both.
REACH_SLICES = [("0", "''"), ("company_id", "''"), ("0", "province_code"), ("company_id", "province_code")]


def _years_in(cell: Cell) -> list[int]:
    """The calendar years a date-bounded rebuild touches (all known years when unbounded)."""
    if cell.date_from and cell.date_to:
        return list(range(cell.date_from.year, (cell.date_to - datetime.timedelta(days=1)).year + 1))
    years = {d.year for d in ReachMonthFact.objects.dates("month", "year")}
    years |= set(ReachYearFact.objects.values_list("year", flat=True).distinct())
    if cell.date_from:
        years = {y for y in years if y >= cell.date_from.year}
    if cell.date_to:
        years = {y for y in years if y <= (cell.date_to - datetime.timedelta(days=1)).year}
    return sorted(years)


def _reach_year_statements(year: int, entity_sql: str = "", entity_params=()) -> list[tuple[str, list]]:
    t = _tables()
    start, end = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
    statements = []
    for company, province in REACH_SLICES:
        sql = f"""
            INSERT INTO {t["ryf"]} (year, company_id, province_code, role, entity_id,
                                    sector, size_class, naik_kelas, has_export)
            SELECT %s, f.c, f.pr, f.role, f.entity_id, COALESCE(p.sector, ''), p.current_class,
                   COALESCE(p.current_class > p.joining_class, FALSE), COALESCE(p.has_export, FALSE)
            FROM (
                SELECT {company} AS c, {province} AS pr, role, entity_id FROM {t["rmf"]}
                WHERE role IN ({B}, {G}) AND month >= %s AND month < %s {entity_sql}
                UNION
                SELECT {company}, {province}, {R}, entity_id FROM {t["rmf"]}
                WHERE role IN ({B}, {P}) AND month >= %s AND month < %s {entity_sql}
            ) f LEFT JOIN {t["partner"]} p ON p.id = f.entity_id AND f.role <> {G}"""  # noqa: S608
        statements.append((sql, [year, start, end, *entity_params, start, end, *entity_params]))
    return statements


def _reach_year_counts(rows) -> dict[tuple, int]:
    """ReachYearFact rows -> {ReachYearCount key: number of rows}."""
    return {
        tuple(row[name] for name in ReachYearCount.KEY): row["n"]
        for row in rows.values(*ReachYearCount.KEY).annotate(n=Count("id")).order_by()
    }


def reach_years_rebuild(*, years: list[int]) -> None:
    """Recompute the yearly reach rows of whole years from the monthly ones, and their counts."""
    ReachYearFact.objects.filter(year__in=years).delete()
    ReachYearCount.objects.filter(year__in=years).delete()
    with connection.cursor() as cursor:
        for year in years:
            for sql, params in _reach_year_statements(year):
                cursor.execute(sql, params)
    counts = _reach_year_counts(ReachYearFact.objects.filter(year__in=years))
    ReachYearCount.objects.bulk_create(
        ReachYearCount(**dict(zip(ReachYearCount.KEY, key, strict=True)), entities=n) for key, n in counts.items()
    )


def _reach_year_counts_adjust(before: dict[tuple, int], after: dict[tuple, int]) -> None:
    """Apply the change of a few entities' rows to the counts (a handful of keys)."""
    for key in before.keys() | after.keys():
        delta = after.get(key, 0) - before.get(key, 0)
        if not delta:
            continue
        fields = dict(zip(ReachYearCount.KEY, key, strict=True))
        # `size_class` is NULL for partners not yet assessed: match it with IS NULL.
        lookups = {name: value for name, value in fields.items() if value is not None}
        lookups |= {f"{name}__isnull": True for name, value in fields.items() if value is None}
        match = ReachYearCount.objects.filter(**lookups)
        if not match.update(entities=F("entities") + delta):
            ReachYearCount.objects.create(**fields, entities=delta)
        match.filter(entities=0).delete()


def reach_year_refresh(*, year: int, partner_ids: set[int], group_ids: set[int]) -> None:
    """Recompute the yearly rows of a few partners and groups (after one handover changed)."""
    if not partner_ids and not group_ids:
        return
    partners, groups = sorted(partner_ids) or [0], sorted(group_ids) or [0]
    rows = ReachYearFact.objects.filter(
        Q(role__in=[ReachMonthFact.Role.BENEFICIARY, ReachYearFact.REACHED], entity_id__in=partners)
        | Q(role=ReachMonthFact.Role.GROUP, entity_id__in=groups),
        year=year,
    )
    before = _reach_year_counts(rows)
    rows.delete()
    entity_sql = (
        f"AND ((role IN ({B}, {P}) AND entity_id IN ({', '.join(['%s'] * len(partners))}))"
        f" OR (role = {G} AND entity_id IN ({', '.join(['%s'] * len(groups))})))"
    )
    with connection.cursor() as cursor:
        for sql, params in _reach_year_statements(year, entity_sql, [*partners, *groups]):
            cursor.execute(sql, params)
    _reach_year_counts_adjust(before, _reach_year_counts(rows))


def data_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY) or 1
    return int(version)


def data_version_bump() -> None:
    """Every cached dashboard figure is keyed by this number: bumping it retires them all."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, timeout=None)
