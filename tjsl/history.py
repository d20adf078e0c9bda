"""A record's change history (django-simple-history) as rows a page can show: who, when, what
changed, each value as the pages write it (labels of choices, rupiah, dates, names).

Apps say which records to read (`Source`) and which fields to leave out or mask; this module
knows no app. Consecutive versions of one object are compared in Python, so a page of history
costs one query per source, plus one per model whose names it shows.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tjsl.formats.output import date_text, datetime_text
from tjsl.templatetags.tjsl_format import quantity_text, rupiah_text

HISTORY_LIMIT = 60
MASKED = "•••"
EMPTY = "–"
KINDS = {"+": gettext_lazy("created"), "~": gettext_lazy("changed"), "-": gettext_lazy("deleted")}


@dataclass
class Entry:
    when: datetime
    who: str
    what: str
    kind: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Source:
    """Historical records of one model, and how to title each of them ('Item: Perak murni')."""

    records: models.QuerySet
    title: Callable[[object], str]


@dataclass(frozen=True)
class Rules:
    """Which fields a page shows and how: `hidden` never, `personal` masked unless `pii_visible`;
    non-editable fields only when named in `also`; `created_values`: list what a new record
    was created with and what a deleted one held."""

    hidden: frozenset = frozenset()
    personal: frozenset = frozenset()
    also: frozenset = frozenset()
    pii_visible: bool = False
    created_values: bool = False
    user: object = None  # the reader: related records outside their scope are not named
    labels: dict = field(default_factory=dict)  # names for fields whose model gives none


def _shown_fields(record, rules: Rules) -> list[models.Field]:
    return [
        f
        for f in record.tracked_fields
        if f.name not in rules.hidden and (f.editable or f.name in rules.also) and not f.primary_key
    ]


def _plain_value(model_field: models.Field, value) -> str:
    if value in (None, ""):
        return EMPTY
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return _("Yes") if value else _("No")
    if isinstance(model_field, models.DateTimeField):
        return datetime_text(value)
    if isinstance(model_field, models.DateField):
        return date_text(value)
    if isinstance(model_field, models.BigIntegerField):  # money is whole rupiah in BigIntegerField
        return rupiah_text(value)
    if isinstance(model_field, models.DecimalField):
        return quantity_text(value)
    if isinstance(model_field, models.FileField):
        return str(value).rsplit("/", 1)[-1]
    return str(value)


class _Values:
    """Texts of field values; names of related records looked up once per model."""

    def __init__(self, rules: Rules, pending: Iterable[tuple[models.Field, object]]):
        self.rules = rules
        wanted = defaultdict(set)
        for model_field, value in pending:
            if model_field.is_relation and value is not None:
                wanted[model_field.related_model].add(value)
        self.names = {model: self._names(model, pks) for model, pks in wanted.items()}

    def _names(self, model, pks: set) -> dict:
        manager = model._default_manager
        if model is get_user_model():  # who did something is shown as on the pages' step lists
            return {u.pk: u.display_name for u in manager.filter(pk__in=pks)}
        if self.rules.user is not None and hasattr(manager, "visible_to"):
            manager = manager.visible_to(self.rules.user)
        return {obj.pk: str(obj) for obj in manager.filter(pk__in=pks)}

    def text(self, model_field: models.Field, value) -> str:
        if model_field.name in self.rules.personal and not self.rules.pii_visible and value not in (None, ""):
            return MASKED
        if model_field.is_relation and value is not None:
            return self.names[model_field.related_model].get(value, MASKED)
        return _plain_value(model_field, value)


def _raw_changes(record, previous, fields) -> list[tuple[models.Field, object, object]]:
    """(field, old, new) of what differs from the previous version; everything for a new record
    and nothing left for a deleted one (when the page lists those values)."""
    changes = []
    for model_field in fields:
        new = getattr(record, model_field.attname)
        old = getattr(previous, model_field.attname) if previous is not None else None
        if record.history_type == "-":
            old, new = new, None
        if old != new and (old not in (None, "") or new not in (None, "")):
            changes.append((model_field, old, new))
    return changes


def _versions(source: Source, rules: Rules) -> list[tuple[object, list]]:
    """Each record with its raw changes, the newest HISTORY_LIMIT of the source."""
    latest: dict = {}
    versions = []
    for record in source.records.select_related("history_user").order_by("history_date", "history_id"):
        previous = latest.get(record.id)
        latest[record.id] = record
        fields = _shown_fields(record, rules)
        if record.history_type == "~" and previous is not None:
            changes = _raw_changes(record, previous, fields)
            if not changes:
                continue  # only bookkeeping changed: nothing for the reader
        elif record.history_type != "~" and rules.created_values:
            changes = _raw_changes(record, None, fields)
        else:
            changes = []
        versions.append((record, changes))
    return versions[-HISTORY_LIMIT:]


def history_entries_from(sources: Iterable[Source], rules: Rules = Rules()) -> list[Entry]:
    """Newest first, at most HISTORY_LIMIT entries over every source."""
    versions = [(source, record, changes) for source in sources for record, changes in _versions(source, rules)]
    values = _Values(rules, ((f, v) for _s, _r, changes in versions for f, old, new in changes for v in (old, new)))
    entries = [
        Entry(
            when=record.history_date,
            who=record.history_user.display_name if record.history_user else _("system"),
            what=source.title(record),
            kind=str(KINDS.get(record.history_type, record.history_type)),
            changes=[
                (capfirst(rules.labels.get(f.name, f.verbose_name)), values.text(f, old), values.text(f, new))
                for f, old, new in changes
            ],
        )
        for source, record, changes in versions
    ]
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:HISTORY_LIMIT]
