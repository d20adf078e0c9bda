"""A handover's full change history for auditors and managers: the handover, its items and
its allocations, each change with who, when, and the fields' old and new values."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.scope import scope_for
from partners.services import history_visible_to
from tjsl.history import Entry, Rules, Source, history_entries_from

from .models import Allocation, Disbursement, Item

# Bookkeeping that follows from other fields or never means anything to a reader.
HIDDEN_FIELDS = frozenset(
    {"submission_key", "verification_token", "region_code", "regency_code", "province_code", "sequence", "position"}
)
# Fields set by the workflow rather than the form: the history shows them too.
WORKFLOW_FIELDS = frozenset(
    {
        "number",
        "year",
        "total",
        "created_by",
        "approved_by",
        "approved_at",
        "handed_over_by",
        "handed_over_at",
        "verified_by",
        "verified_at",
        "bast_scan",
    }
)
PERSONAL_FIELDS = frozenset({"receiver_nik"})
# The workflow's fields have no label of their own on the model.
LABELS = {
    "created_by": gettext_lazy("entered by"),
    "approved_by": gettext_lazy("approved by"),
    "approved_at": gettext_lazy("approved at"),
    "handed_over_by": gettext_lazy("handed over by"),
    "handed_over_at": gettext_lazy("handed over at"),
    "verified_by": gettext_lazy("verified by"),
    "verified_at": gettext_lazy("verified at"),
}


def handover_history_visible_to(user) -> bool:
    """The rule of the partner registry's history: auditors, administrators and managers. Staff
    who entered a handover see its steps on the handover page; the field-by-field record is
    for those who check the work."""
    return history_visible_to(user)


def _item_title(record) -> str:
    return _("Item: %(description)s") % {"description": record.description}


def handover_history_entries(handover: Disbursement, *, user) -> list[Entry]:
    """Newest first. Allocations to members outside the reader's region are left out, as on the
    handover page (AllocationQuerySet.visible_to)."""
    allocations = Allocation.history.filter(disbursement_id=handover.pk).filter(
        scope_for(user).q(region_code_field="partner__region_code")
    )
    sources = [
        Source(handover.history.all(), lambda r: _("Handover")),
        Source(Item.history.filter(disbursement_id=handover.pk), _item_title),
        Source(allocations.select_related("partner"), lambda r: _("Allocation: %(member)s") % {"member": r.partner}),
    ]
    rules = Rules(
        hidden=HIDDEN_FIELDS | {"disbursement"},
        also=WORKFLOW_FIELDS,
        personal=PERSONAL_FIELDS,
        pii_visible=user.sees_personal_data,
        created_values=True,
        user=user,
        labels=LABELS,
    )
    return history_entries_from(sources, rules)
