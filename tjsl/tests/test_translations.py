"""The Indonesian catalogue is complete and its compiled form is shipped."""

import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command

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


SOURCES = ["accounts", "disbursements", "loans", "partners", "programs", "regions", "reports", "templates", "tjsl"]


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext (apt-get install gettext; CI does)")
def test_catalogue_covers_every_string_in_the_code(tmp_path, settings, monkeypatch):
    """Extracting the strings again (into a copy of the catalogue) finds nothing new to translate."""
    root = LOCALE.parent
    for name in SOURCES:
        (tmp_path / name).symlink_to(root / name)
    shutil.copytree(LOCALE, tmp_path / "locale")
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["id"], no_obsolete=True, symlinks=True, verbosity=0)
    po = polib.pofile(str(tmp_path / "locale/id/LC_MESSAGES/django.po"))
    missing = [entry.msgid for entry in po.untranslated_entries() + po.fuzzy_entries()]
    assert len(po) > 900
    assert missing == [], "run `make messages` and translate: " + ", ".join(missing[:10])
