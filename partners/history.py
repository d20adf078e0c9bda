"""The change history of a partner or group, as rows a page can show."""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tjsl.formats.output import date_text

from .models import BusinessGroup, Partner

PERSONAL_FIELDS = {"owner_nik", "phone", "address", "npwp"}
HIDDEN_FIELDS = {"updated_at", "region_code", "joining_class", "current_class", "has_export"}
HISTORY_LIMIT = 60
KINDS = {"+": gettext_lazy("created"), "~": gettext_lazy("changed"), "-": gettext_lazy("deleted")}


@dataclass
class Entry:
    when: datetime
    who: str
    what: str
    kind: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)


def _label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # a field that no longer exists
        return name


def _entries(records, title, *, pii_visible: bool) -> list[Entry]:
    entries = []
    for record in records:
        changes = []
        previous = record.prev_record if record.history_type == "~" else None
        if previous is not None:
            delta = record.diff_against(previous)
            for change in delta.changes:
                if change.field in HIDDEN_FIELDS:
                    continue
                if change.field in PERSONAL_FIELDS and not pii_visible:
                    old, new = "•••", "•••"
                else:
                    old, new = str(change.old or "–"), str(change.new or "–")
                changes.append((_label(record.instance_type, change.field), old, new))
        entries.append(
            Entry(
                when=record.history_date,
                who=record.history_user.display_name if record.history_user else _("system"),
                what=title(record),
                kind=str(KINDS.get(record.history_type, record.history_type)),
                changes=changes,
            )
        )
    return entries


def history_entries(obj, *, pii_visible: bool) -> list[Entry]:
    """Newest first: the record itself and, for a partner, its assessments, exports and memberships."""
    if isinstance(obj, Partner):
        sources = [
            (obj.history.select_related("history_user"), lambda r: _("Partner")),
            (
                Partner.assessments.rel.related_model.history.filter(partner_id=obj.pk).select_related("history_user"),
                lambda r: _("Assessment of %(date)s") % {"date": date_text(r.assessed_on)},
            ),
            (
                Partner.export_milestones.rel.related_model.history.filter(partner_id=obj.pk).select_related(
                    "history_user"
                ),
                lambda r: _("Export to %(country)s") % {"country": r.destination_country},
            ),
            (
                Partner.memberships.rel.related_model.history.filter(partner_id=obj.pk).select_related("history_user"),
                lambda r: _("Membership of group #%(id)s") % {"id": r.group_id},
            ),
        ]
    elif isinstance(obj, BusinessGroup):
        membership = BusinessGroup.memberships.rel.related_model
        sources = [
            (obj.history.select_related("history_user"), lambda r: _("Group")),
            (
                membership.history.filter(group_id=obj.pk).select_related("history_user"),
                lambda r: _("Membership of partner #%(id)s") % {"id": r.partner_id},
            ),
        ]
    else:
        raise TypeError(type(obj))
    entries = []
    for records, title in sources:
        entries += _entries(records.order_by("-history_date")[:HISTORY_LIMIT], title, pii_visible=pii_visible)
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:HISTORY_LIMIT]
