"""Compile the translation catalogues without GNU gettext (`make install` runs this).

Django's `compilemessages` needs `msgfmt`, which a newcomer's machine or CI may not have; polib
is pure Python. Every locale/*/LC_MESSAGES/*.po under LOCALE_PATHS becomes its .mo; fuzzy
entries are left out, as msgfmt does.
"""

import os
from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile every locale/*/LC_MESSAGES/*.po to .mo with polib (no gettext needed)."
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        count = 0
        for locale_path in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_path).glob("*/LC_MESSAGES/*.po")):
                catalogue = polib.pofile(str(po_path))
                # Written aside, then moved into place: a process reading the catalogue
                # meanwhile (a test run beside this one) never sees half a file.
                mo_path = po_path.with_suffix(".mo")
                partial = mo_path.with_suffix(f".mo.{os.getpid()}")
                catalogue.save_as_mofile(str(partial))
                os.replace(partial, mo_path)
                count += 1
                if options["verbosity"] > 1:
                    self.stdout.write(f"{po_path}: {catalogue.percent_translated()}% translated")
        self.stdout.write(f"Compiled {count} catalogue(s).")
