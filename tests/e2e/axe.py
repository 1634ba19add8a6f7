"""axe-core, fetched once with npm into a git-ignored folder and injected into pages under test
(added to a page when first run there, or to every document of a context by its init script).

The pages forbid inline script (the Content-Security-Policy); the browser context that runs axe
is created with bypass_csp=True, so the policy of the application stays as it is.
"""

import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

AXE_DIR = Path(__file__).resolve().parent / ".axe"
AXE_JS = AXE_DIR / "axe.min.js"
AXE_SPEC = "axe-core@4"
FAILING_IMPACTS = ("serious", "critical")


def axe_source() -> str:
    if not AXE_JS.exists():
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError("npm is needed once to fetch axe-core for the browser tests.")
        AXE_DIR.mkdir(exist_ok=True)
        # Each pytest-xdist worker may fetch at once: each into a folder of its own, and the
        # file put in place whole.
        with tempfile.TemporaryDirectory(dir=AXE_DIR) as scratch:
            out = subprocess.run(
                [npm, "pack", AXE_SPEC, "--json", "--pack-destination", scratch],
                check=True,
                capture_output=True,
                text=True,
                timeout=300,
            )
            tarball = Path(scratch) / json.loads(out.stdout)[0]["filename"]
            with tarfile.open(tarball) as archive:
                member = archive.extractfile("package/axe.min.js")
                (Path(scratch) / "axe.min.js").write_bytes(member.read())
            os.replace(Path(scratch) / "axe.min.js", AXE_JS)
    return AXE_JS.read_text(encoding="utf-8")


def run_axe(page, source: str, impacts=None) -> list[dict]:
    """The violations of the page as it is now (WCAG 2.x A and AA, and best practices); only
    those of the given impacts if any are given."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=source)
    return page.evaluate(
        """async (impacts) => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.filter(v => !impacts || impacts.includes(v.impact)).map(
              v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target, html: n.html.slice(0, 200),
                                          summary: n.failureSummary}))
            }));
        }""",
        list(impacts) if impacts else None,
    )


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} ({len(v['nodes'])} nodes)")
        for node in v["nodes"][:5]:
            lines.append(f"      {node['target']} {node['html']}")
    return "\n".join(lines)
