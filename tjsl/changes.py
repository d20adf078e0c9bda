"""The change feed: every create, update and delete of the records the API serves, in the
order in which they were committed, so that a reader following it never misses one.

Writing. A trigger on each table (added by a migration with `record_changes(...)`) writes a
`Change` row in the same transaction as the change, whatever made it: a service, a bulk update,
the admin or raw SQL. A change that moves a record to another company or region is written as
a deletion under the old company and region, then an update under the new ones, so a reader
whose scope held the record learns that it left.

Ordering. Row ids follow the start of the writing, not its commit: a transaction that began
first but commits last would land behind a cursor a reader had already passed. So a row gets
its `position` only once it is committed: `positions_assign` numbers every committed row that
has none yet, one caller at a time (an advisory lock), from a sequence; a transaction still
running is invisible to it and is numbered later, after everything already read.
"""

import datetime
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from .models import Change, ChangeFeedHorizon


@dataclass(frozen=True)
class Feed:
    """What the trigger on `table` writes: the API resource name, and SQL for the record's id,
    company id and region code, with `{row}` standing for NEW or OLD (NULL: none).

    A `derived` feed is a table whose rows change how another resource is seen (an enrolment
    makes a program present in a region): each of its changes is an update of that resource.
    """

    table: str
    resource: str
    company: str = "NULL"
    region: str = "NULL"
    object: str = "{row}.id"
    derived: bool = False

    def values(self, row: str, action: str) -> str:
        """SQL: the VALUES of a change row for `row` (NEW or OLD), the transaction id aside."""
        record, company, region = (field.format(row=row) for field in (self.object, self.company, self.region))
        return f"'{self.resource}', {record}, {action}, {company}, {region}"

    def moved(self, distinct: str) -> str:
        """SQL: the record's company or region differs between OLD and NEW."""
        return " OR ".join(
            f"({field.format(row='OLD')}) {distinct} ({field.format(row='NEW')})"
            for field in (self.company, self.region)
        )

    @property
    def name(self) -> str:
        return f"tjsl_changes_{self.resource}"


UPDATED = "'updated'"
_COLUMNS = "resource, object_id, action, company_id, region_code"


def _postgresql(feed: Feed) -> list[str]:
    function = f"{feed.name}_{feed.table}"
    insert = f"INSERT INTO tjsl_change ({_COLUMNS}) VALUES"
    if feed.derived:
        body = f"""
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        {insert} ({feed.values("OLD", "'updated'")});
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        {insert} ({feed.values("NEW", "'updated'")});
    END IF;"""
    else:
        body = f"""
    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND ({feed.moved("IS DISTINCT FROM")})) THEN
        {insert} ({feed.values("OLD", "'deleted'")});
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        {insert} ({feed.values("NEW", "CASE WHEN TG_OP = 'INSERT' THEN 'created' ELSE 'updated' END")});
    END IF;"""
    return [
        f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
BEGIN{body}
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;""",
        f"""
CREATE TRIGGER {feed.name} AFTER INSERT OR UPDATE OR DELETE ON {feed.table}
    FOR EACH ROW EXECUTE FUNCTION {function}();""",
    ]


def _sqlite(feed: Feed) -> list[str]:
    insert = f"INSERT INTO tjsl_change ({_COLUMNS})"
    created, deleted = (UPDATED, UPDATED) if feed.derived else ("'created'", "'deleted'")
    if feed.derived:
        moved = f"{insert} VALUES ({feed.values('OLD', deleted)});"
    else:
        moved = f"{insert} SELECT {feed.values('OLD', deleted)} WHERE {feed.moved('IS NOT')};"
    bodies = {
        "insert": f"{insert} VALUES ({feed.values('NEW', created)});",
        "update": f"{moved}\n    {insert} VALUES ({feed.values('NEW', UPDATED)});",
        "delete": f"{insert} VALUES ({feed.values('OLD', deleted)});",
    }
    return [
        f"""
CREATE TRIGGER {feed.name}_{feed.table}_{operation} AFTER {operation.upper()} ON {feed.table} BEGIN
    {body}
END;"""
        for operation, body in bodies.items()
    ]


def _drop(feed: Feed, vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS {feed.name} ON {feed.table};",
            f"DROP FUNCTION IF EXISTS {feed.name}_{feed.table}();",
        ]
    return [f"DROP TRIGGER IF EXISTS {feed.name}_{feed.table}_{op};" for op in ("insert", "update", "delete")]


def record_changes(*feeds: Feed):
    """A migration operation that adds the change-feed trigger to each table (and drops it
    when the migration is reversed)."""
    from django.db import migrations

    def forwards(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for feed in feeds:
            for statement in _drop(feed, vendor) + (_postgresql(feed) if vendor == "postgresql" else _sqlite(feed)):
                schema_editor.execute(statement)

    def backwards(apps, schema_editor):
        for feed in feeds:
            for statement in _drop(feed, schema_editor.connection.vendor):
                schema_editor.execute(statement)

    return migrations.RunPython(forwards, backwards, elidable=False)


# --- Reading ---------------------------------------------------------------------------------
ASSIGN_BATCH = 10_000
_LOCK = 7_351_042  # pg_advisory_xact_lock key of the position assigner


def positions_assign(*, limit: int = ASSIGN_BATCH) -> int:
    """Number committed changes that have no position yet, oldest first; returns how many.

    One caller at a time (the lock is held until this transaction commits, so the next caller
    sees these positions and continues after them).
    """
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK])
            cursor.execute(
                """
                UPDATE tjsl_change SET position = numbered.position
                FROM (SELECT id, nextval('tjsl_change_position') AS position
                      FROM (SELECT id FROM tjsl_change WHERE position IS NULL ORDER BY id LIMIT %s) AS unplaced
                     ) AS numbered
                WHERE tjsl_change.id = numbered.id
                """,
                [limit],
            )
        else:  # SQLite: one writer at a time, so the row id already is the commit order
            cursor.execute(
                "UPDATE tjsl_change SET position = id WHERE id IN "
                "(SELECT id FROM tjsl_change WHERE position IS NULL ORDER BY id LIMIT %s)",
                [limit],
            )
        return cursor.rowcount


def unplaced_remain() -> bool:
    return Change.objects.filter(position__isnull=True).exists()


def latest_position() -> int:
    """A position after every change committed so far (where a reader starts without history)."""
    positions_assign()
    return max(Change.objects.aggregate(last=Max("position"))["last"] or 0, pruned_through())


def changes_after(position: int, *, scope, resources) -> QuerySet[Change]:
    """Changes after `position`, in feed order, of the given resources, whose company and region
    (at the time of the change) lie in `scope`; the caller still checks that a created or
    updated record is visible to the reader now."""
    changes = Change.objects.filter(resource__in=resources, position__gt=position)
    if scope.nothing:
        return changes.none()
    if scope.company_id is not None:
        changes = changes.filter(Q(company_id__isnull=True) | Q(company_id=scope.company_id))
    if scope.region_code is not None:
        changes = changes.filter(
            Q(region_code__isnull=True)
            | Q(region_code=scope.region_code)
            | Q(region_code__startswith=scope.region_code + ".")
        )
    return changes.order_by("position")


# --- Retention -------------------------------------------------------------------------------
def pruned_through() -> int:
    """The last position deleted by `changes_prune` (0: nothing yet): a cursor before it is stale."""
    horizon = ChangeFeedHorizon.objects.first()
    return horizon.pruned_through if horizon else 0


@transaction.atomic
def changes_prune(*, days: int) -> int:
    """Delete numbered changes older than `days` days and move the horizon past them; returns
    how many were deleted. Readers whose cursor lies before the horizon are told to read
    everything again (410), rather than silently missing what was deleted."""
    old = Change.objects.filter(position__isnull=False, at__lt=timezone.now() - datetime.timedelta(days=days))
    last = old.aggregate(last=Max("position"))["last"]
    if last is None:
        return 0
    deleted, _by_model = Change.objects.filter(position__lte=last).delete()
    horizon, _created = ChangeFeedHorizon.objects.select_for_update().get_or_create(pk=1)
    horizon.pruned_through, horizon.pruned_at = max(horizon.pruned_through, last), timezone.now()
    horizon.save()
    return deleted
