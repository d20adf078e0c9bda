"""The change history of a partner or group, as rows a page can show (tjsl.history)."""

from django.utils.translation import gettext as _

from tjsl.formats.output import date_text
from tjsl.history import Entry, Rules, Source, history_entries_from

from .models import BusinessGroup, Partner

PERSONAL_FIELDS = frozenset({"owner_nik", "phone", "address", "npwp"})
HIDDEN_FIELDS = frozenset({"updated_at", "region_code", "joining_class", "current_class", "has_export"})


def _sources(obj) -> list[Source]:
    if isinstance(obj, Partner):
        return [
            Source(obj.history.all(), lambda r: _("Partner")),
            Source(
                Partner.assessments.rel.related_model.history.filter(partner_id=obj.pk),
                lambda r: _("Assessment of %(date)s") % {"date": date_text(r.assessed_on)},
            ),
            Source(
                Partner.export_milestones.rel.related_model.history.filter(partner_id=obj.pk),
                lambda r: _("Export to %(country)s") % {"country": r.destination_country},
            ),
            Source(
                Partner.memberships.rel.related_model.history.filter(partner_id=obj.pk),
                lambda r: _("Membership of group #%(id)s") % {"id": r.group_id},
            ),
        ]
    if isinstance(obj, BusinessGroup):
        return [
            Source(obj.history.all(), lambda r: _("Group")),
            Source(
                BusinessGroup.memberships.rel.related_model.history.filter(group_id=obj.pk),
                lambda r: _("Membership of partner #%(id)s") % {"id": r.partner_id},
            ),
        ]
    raise TypeError(type(obj))


def history_entries(obj, *, user, pii_visible: bool) -> list[Entry]:
    """Newest first: the record itself and, for a partner, its assessments, exports and memberships."""
    rules = Rules(hidden=HIDDEN_FIELDS, personal=PERSONAL_FIELDS, pii_visible=pii_visible, user=user)
    return history_entries_from(_sources(obj), rules)
