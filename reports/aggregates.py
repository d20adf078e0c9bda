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

from disbursements.models import COMMITTED_STATUSES, REALISED_STATUSES, Allocation, Disbursement
from partners.models import Partner
from programs.models import Activity, ActivityParticipant, Program

from .models import HandoverItemMonthFact, HandoverMonthFact, ReachMonthFact

# Raw SQL below: table names come from model metadata, every value is a bound parameter.
VERSION_KEY = "reports:dashboard:data-version"

COUNTED = ", ".join(f"'{s.value}'" for s in COMMITTED_STATUSES)
REALISED = ", ".join(f"'{s.value}'" for s in REALISED_STATUSES)
SIGN = "CASE WHEN d.kind = 'reversal' THEN -1 ELSE 1 END"


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
    handovers = f"""
        INSERT INTO {t["hmf"]} ({CELL_COLUMNS}, sector, handovers, net_value, realised_value)
        SELECT {cell_cols}, COALESCE(p.sector, ''), SUM({SIGN}), SUM({SIGN} * d.total),
               SUM(CASE WHEN d.status IN ({REALISED}) THEN {SIGN} * d.total ELSE 0 END)
        FROM {t["d"]} d LEFT JOIN {t["partner"]} p ON p.id = d.partner_id
        WHERE d.status IN ({COUNTED}) AND {where}
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
        SELECT DISTINCT {cell_cols}, 'B', p.id, {member_attrs}
        FROM {t["d"]} d JOIN {t["partner"]} p ON p.id = d.partner_id
        WHERE d.kind = 'handover' AND d.status IN ({COUNTED}) AND {not_reversed} AND {where}
        UNION
        SELECT {cell_cols}, 'B', p.id, {member_attrs}
        FROM {t["d"]} d JOIN {t["alloc"]} a ON a.disbursement_id = d.id JOIN {t["partner"]} p ON p.id = a.partner_id
        WHERE d.kind = 'handover' AND d.status IN ({COUNTED}) AND {not_reversed} AND {where}
        UNION
        SELECT {cell_cols}, 'G', d.group_id, '', NULL, FALSE, FALSE
        FROM {t["d"]} d
        WHERE d.group_id IS NOT NULL AND d.kind = 'handover' AND d.status IN ({COUNTED}) AND {not_reversed}
          AND {where}"""  # noqa: S608
    return [(handovers, params), (items, params), (reach, params * 3)]


def _participant_statement(cell: Cell) -> tuple[str, list]:
    t = _tables()
    where, params = cell.where(date_column="act.start_date", alias="act")
    cell_cols = _cell_select("act.start_date", "act.region_code", "pr.company_id", "act.program_id")
    sql = f"""
        INSERT INTO {t["rmf"]} ({CELL_COLUMNS}, role, entity_id, sector, size_class, naik_kelas, has_export)
        SELECT DISTINCT {cell_cols}, 'P', p.id, p.sector, p.current_class,
               COALESCE(p.current_class > p.joining_class, FALSE), p.has_export
        FROM {t["participant"]} ap JOIN {t["activity"]} act ON act.id = ap.activity_id
        JOIN {t["program"]} pr ON pr.id = act.program_id JOIN {t["partner"]} p ON p.id = ap.partner_id
        WHERE {where}"""  # noqa: S608
    return sql, params


@transaction.atomic
def facts_rebuild(*, cell: Cell | None = None, participants: bool = True) -> None:
    """Recompute the roll-ups of `cell` (everything when None) from the raw tables."""
    cell = cell or Cell()
    filters = cell.fact_filter()
    for model in (HandoverMonthFact, HandoverItemMonthFact):
        model.objects.filter(**filters).delete()
    roles = ["B", "G", "P"] if participants else ["B", "G"]
    ReachMonthFact.objects.filter(role__in=roles, **filters).delete()
    statements = _handover_statements(cell)
    if participants:
        statements.append(_participant_statement(cell))
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
    if connection.vendor == "postgresql" and cell == Cell():
        with connection.cursor() as cursor:
            for table in ("hmf", "himf", "rmf"):
                cursor.execute(f"ANALYZE {_tables()[table]}")
    transaction.on_commit(data_version_bump)


def month_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = day.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, following


def facts_refresh_handover(*, disbursement: Disbursement) -> None:
    """Refresh the one cell a handover (or reversal) counts in."""
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


@transaction.atomic
def facts_refresh_participants(*, program_id: int) -> None:
    """Activities are few: refresh every participant row of their program."""
    ReachMonthFact.objects.filter(role=ReachMonthFact.Role.PARTICIPANT, program_id=program_id).delete()
    sql, params = _participant_statement(Cell(program_id=program_id))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    transaction.on_commit(data_version_bump)


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
