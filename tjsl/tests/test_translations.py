"""The Indonesian catalogue is complete and its compiled form is shipped."""

from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parents[2] / "locale"


def test_every_indonesian_string_is_translated():
    po = polib.pofile(str(LOCALE / "id/LC_MESSAGES/django.po"))
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []


def test_compiled_catalogue_matches_the_source():
    po = polib.pofile(str(LOCALE / "id/LC_MESSAGES/django.po"))
    mo = polib.mofile(str(LOCALE / "id/LC_MESSAGES/django.mo"))
    compiled = {entry.msgid: entry.msgstr for entry in mo}
    for entry in po.translated_entries():
        if not entry.msgid_plural:
            assert compiled.get(entry.msgid) == entry.msgstr, f"run `make messages`: {entry.msgid!r} is stale"
