"""The vendored front end (static/vendor/, built by `make vendor`) is what package-lock.json
locks: every file in the manifest is there with its recorded hash, nothing else is, and the
manifest's versions are the locked ones."""

import hashlib
import json
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
VENDOR = ROOT / "static" / "vendor"


def manifest() -> dict:
    return json.loads((VENDOR / "MANIFEST.json").read_text())


def locked_version(name: str) -> str:
    lock = json.loads((ROOT / "package-lock.json").read_text())
    return lock["packages"][f"node_modules/{name}"]["version"]


def test_every_vendored_file_matches_its_recorded_hash():
    files = manifest()["files"]
    assert {"govuk-frontend.min.js", "htmx.min.js", "app.css"} <= set(files)
    for name, entry in files.items():
        digest = hashlib.sha256((VENDOR / name).read_bytes()).hexdigest()
        assert digest == entry["sha256"], f"{name} changed since `make vendor`: run it again"


def test_nothing_is_vendored_outside_the_manifest():
    present = {path.name for path in VENDOR.iterdir()} - {"MANIFEST.json"}
    assert present == set(manifest()["files"])


def test_the_manifest_versions_are_the_locked_ones():
    data = manifest()
    for name, version in data["packages"].items():
        assert version == locked_version(name), name
    for name, entry in data["files"].items():
        assert entry["version"] == locked_version(entry["package"]), name


def test_the_locked_versions_are_the_ones_package_json_asks_for():
    wanted = json.loads((ROOT / "package.json").read_text())
    for section in ("dependencies", "devDependencies"):
        for name, version in wanted[section].items():
            assert locked_version(name) == version, name
    assert locked_version("htmx.org").startswith("2."), "htmx 2 is what django-htmx targets"


def test_no_government_font_or_crown_is_shipped():
    css = (VENDOR / "app.css").read_text()
    assert "GDS Transport" not in css
    assert "govuk-crest" not in css and "url(" not in css
