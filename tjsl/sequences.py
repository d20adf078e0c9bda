"""Gapless numbering: one row per series key holds the last number given, locked while numbering.

The caller's transaction holds the row lock until it commits, so two approvals at once get
consecutive numbers, and a rolled-back approval gives its number back.
"""

from django.db import models


def sequence_next(model: type[models.Model], **key) -> int:
    """The next number of the series `key` in `model` (a model with the key fields and `last`)."""
    sequence, _created = model.objects.select_for_update().get_or_create(**key)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return sequence.last
