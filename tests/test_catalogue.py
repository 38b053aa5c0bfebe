"""The translation catalogues (locale/<language>/LC_MESSAGES) are complete and compiled.

`makemessages`, run as a translator would run it, finds every string of ours marked for
translation; the test fails when one of them has no Spanish translation, or only a fuzzy
(machine-guessed, unchecked) one: whoever adds an English string adds its Spanish too
(the glossary: locale/es/GLOSSARY.md). The committed .mo files are what `compilemessages`
makes of the committed .po files, so what the site shows is what the catalogue says."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import polib  # type: ignore[import-untyped]  # no types of its own
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from tests.conftest import skip_or_fail

LOCALE = Path(settings.BASE_DIR) / "locale"
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
DOMAINS = ["django", "djangojs"]
# What makemessages reads besides Python: our templates (HTML, text e-mails, the service
# worker) and scripts; never what others wrote (virtualenv, npm packages, vendored files).
IGNORED = [".venv/*", "node_modules/*", "var/*", "static/vendor/*", "tests/*", "bench/*", "demo/*"]


# What each domain reads: our templates (HTML, text e-mails, the service worker) and Python
# for "django", our scripts for "djangojs"; never what others wrote.
DOMAIN_SOURCES = {
    "django": (["html", "txt", "py", "js"], ["static/*"]),
    "djangojs": (["js"], ["templates/*"]),
}


@pytest.fixture(scope="module")
def fresh_catalogues(tmp_path_factory) -> Path:
    """makemessages as `make messages` runs it, into a copy of the catalogues."""
    if not shutil.which("xgettext") or not shutil.which("msgmerge"):
        skip_or_fail("GNU gettext is not installed (apt-get install gettext)")
    out = tmp_path_factory.mktemp("locale")
    shutil.copytree(LOCALE, out, dirs_exist_ok=True)
    here = Path.cwd()
    os.chdir(settings.BASE_DIR)  # makemessages reads the tree it is run in
    try:
        with override_settings(LOCALE_PATHS=[out]):
            for domain, (extensions, also_ignored) in DOMAIN_SOURCES.items():
                call_command(
                    "makemessages",
                    locale=LANGUAGES,
                    domain=domain,
                    extensions=extensions,
                    ignore_patterns=[*IGNORED, *also_ignored],
                    no_obsolete=True,
                    verbosity=0,
                )
    finally:
        os.chdir(here)
    return out


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("domain", DOMAINS)
def test_every_string_has_a_checked_translation(fresh_catalogues, language, domain):
    catalogue = polib.pofile(str(fresh_catalogues / language / "LC_MESSAGES" / f"{domain}.po"))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not untranslated, f"{len(untranslated)} without a translation: {untranslated[:20]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy: {fuzzy[:20]}"
    assert len(catalogue.translated_entries()) > 0


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("domain", DOMAINS)
def test_the_committed_mo_files_are_compiled_from_the_po_files(tmp_path, language, domain):
    if not shutil.which("msgfmt"):
        skip_or_fail("GNU gettext is not installed (apt-get install gettext)")
    source = LOCALE / language / "LC_MESSAGES" / f"{domain}.po"
    compiled = tmp_path / f"{domain}.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(compiled), str(source)], check=True)
    committed = source.with_suffix(".mo")
    assert committed.read_bytes() == compiled.read_bytes(), "run make messages"
