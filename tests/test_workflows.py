"""The GitHub Actions workflows (.github/workflows): valid against the GitHub workflow schema
(check-jsonschema's bundled copy) and clean under zizmor's security audit (actions pinned by
commit, least-privilege permissions, no credentials left in the checkout, ...). Both tools are
pinned in the dev extra and run offline."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = ROOT / ".github" / "workflows"
BIN = Path(sys.executable).parent
FILES = [WORKFLOWS / "tests.yml", WORKFLOWS / "site.yml"]


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True)


def test_both_workflows_exist():
    assert all(f.is_file() for f in FILES), [f.name for f in FILES if not f.is_file()]
    assert sorted(WORKFLOWS.glob("*.y*ml")) == sorted(FILES)


def test_workflows_match_the_github_workflow_schema():
    proc = run(str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows",
               *map(str, FILES))
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_zizmor_finds_nothing():
    proc = run(str(BIN / "zizmor"), "--offline", "--no-progress", *map(str, FILES))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No findings" in proc.stdout, proc.stdout


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_workflow_does_what_the_readme_says(path):
    text = path.read_text()
    workflow = yaml.safe_load(text)
    assert workflow["permissions"] == {"contents": "read"}
    steps = [s for job in workflow["jobs"].values() for s in job["steps"]]
    uses = re.findall(r"uses: (\S+)(.*)", text)
    assert uses and all(re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", action)
                        and re.fullmatch(r" # v\d+\.\d+\.\d+", comment)
                        for action, comment in uses), f"pin by full commit SHA + `# vX.Y.Z`: {uses}"
    assert all(s.get("with", {}).get("persist-credentials") is False
               for s in steps if s.get("uses", "").startswith("actions/checkout@"))
    assert any(s.get("with", {}).get("python-version") == "3.11" for s in steps)
    if path.name == "tests.yml":
        assert set(workflow[True]) == {"push", "pull_request"}  # YAML reads `on:` as True
        assert any(s.get("run") == "make test" for s in steps)
        assert any("chromium" in s.get("run", "") for s in steps)
    else:
        assert any(s.get("run") == "make book" for s in steps)
        upload = next(s for s in steps if "upload-pages-artifact@" in s.get("uses", ""))
        assert upload["with"]["path"] == "docs/_build/html"
        deploy = workflow["jobs"]["deploy"]
        assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
        assert any("deploy-pages@" in s.get("uses", "") for s in deploy["steps"])
