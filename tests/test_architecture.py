"""The layers hold: the import-linter contracts of pyproject.toml are kept, and every import inside
a function says why it is there (a function-local import is how a cycle hides)."""

import ast
import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REASON = "# local import:"


def production_packages() -> list[str]:
    """The packages of the Docker image (pyproject's package list): not tests, demo or bench."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    include = pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    return [pattern.rstrip("*") for pattern in include]


def unexplained_local_imports(path: Path) -> list[str]:
    """`path:line` of each import inside a function that has no `# local import: <reason>`
    on its lines, on the imports just above it, or on the comment lines above those."""
    lines = path.read_text(encoding="utf-8").splitlines()
    tree = ast.parse("\n".join(lines), filename=str(path))

    def explained(first: int, last: int) -> bool:
        start = first
        while start > 1 and lines[start - 2].strip().startswith("#"):
            start -= 1
        return any(REASON in line for line in lines[start - 1 : last])

    found = set()
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            for field in ("body", "orelse", "finalbody"):
                statements = getattr(node, field, None)
                run_start = None
                for statement in statements if isinstance(statements, list) else []:
                    if not isinstance(statement, ast.Import | ast.ImportFrom):
                        run_start = None
                        continue
                    run_start = run_start or statement.lineno
                    if not explained(run_start, statement.end_lineno):
                        found.add(f"{path.relative_to(ROOT)}:{statement.lineno}")
    return sorted(found)


def test_the_import_contracts_are_kept():
    # This checkout's packages, not the editable install's.
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache", "--no-logo"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_every_function_local_import_says_why():
    files = [
        path
        for package in production_packages()
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    ]
    assert len(files) > 100  # the packages were found
    unexplained = [place for path in files for place in unexplained_local_imports(path)]
    assert unexplained == [], f"an import inside a function needs '{REASON} <why>'"


def test_an_unexplained_local_import_is_found(tmp_path, monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    module = tmp_path / "example.py"
    module.write_text(
        "def ready():\n"
        "    # local import: models load once the apps are ready.\n"
        "    from a import b\n"
        "\n"
        "    from c import d\n"
        "    x = 1\n"
        "    from e import f\n"
        "    from g import h  # local import: a reason on the line itself\n"
        "\n"
        "\n"
        "from i import j\n"
    )
    assert unexplained_local_imports(module) == ["example.py:7"]
