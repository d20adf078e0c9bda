"""Signals other apps listen to; sent after the transaction commits."""

from django.dispatch import Signal

# Sent with `disbursement` (the handover) and `from_status`/`to_status` once a status
# change is committed. Dashboards and reports refresh their roll-ups from it.
handover_status_changed = Signal()
