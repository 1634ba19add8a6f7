"""axe-core, fetched once with npm into a git-ignored folder and injected into pages under test.

The pages forbid inline script (the Content-Security-Policy); the browser context that runs axe
is created with bypass_csp=True, so the policy of the application stays as it is.
"""

import json
import shutil
import subprocess
import tarfile
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
        out = subprocess.run(
            [npm, "pack", AXE_SPEC, "--json", "--pack-destination", str(AXE_DIR)],
            check=True,
            capture_output=True,
            text=True,
            timeout=300,
        )
        tarball = AXE_DIR / json.loads(out.stdout)[0]["filename"]
        with tarfile.open(tarball) as archive:
            member = archive.extractfile("package/axe.min.js")
            AXE_JS.write_bytes(member.read())
        tarball.unlink()
    return AXE_JS.read_text(encoding="utf-8")


def run_axe(page, source: str) -> list[dict]:
    """The violations of the page as it is now (WCAG 2.x A and AA, and best practices)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=source)
    return page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target, html: n.html.slice(0, 200),
                                          summary: n.failureSummary}))
            }));
        }"""
    )


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} ({len(v['nodes'])} nodes)")
        for node in v["nodes"][:5]:
            lines.append(f"      {node['target']} {node['html']}")
    return "\n".join(lines)
