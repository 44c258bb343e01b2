"""Set-up files agree: pyproject.toml, environment.yml, constraints.txt, Makefile, .ci/run."""

import re
from pathlib import Path

import tomllib
import yaml

ROOT = Path(__file__).resolve().parents[1]
CONDA_NAMES = {"torch": "pytorch"}  # PyPI name -> conda-forge name where they differ


def split_requirement(req: str) -> tuple[str, str]:
    name, spec = re.match(r"\s*([A-Za-z0-9_.\-]+)\s*(.*)", req).groups()
    return name.lower().replace("_", "-"), spec.split()[0] if spec else ""


def pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_environment_yml_has_the_same_dependencies_as_pyproject():
    project = pyproject()["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"]["dev"],
              *project["optional-dependencies"]["docs"]]
    wanted = dict(split_requirement(r) for r in wanted)
    wanted = {CONDA_NAMES.get(name, name): spec for name, spec in wanted.items()}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    conda = dict(split_requirement(d) for d in env["dependencies"] if isinstance(d, str))
    conda.pop("python"), conda.pop("pip")
    assert conda == wanted
    assert "cpu" in next(d for d in env["dependencies"] if str(d).startswith("pytorch"))
    assert {"pip": ["-e ."]} in env["dependencies"]


def test_constraints_pin_every_direct_dependency_and_cpu_torch():
    lines = (ROOT / "constraints.txt").read_text().splitlines()
    pins = dict(split_requirement(line) for line in lines if line.strip() and line[0] != "#")
    assert pins["torch"] == "==2.13.0"
    assert all(spec.startswith("==") for spec in pins.values())
    project = pyproject()["project"]
    for req in [*project["dependencies"], *sum(project["optional-dependencies"].values(), [])]:
        assert split_requirement(req)[0] in pins, f"{req} is not pinned in constraints.txt"


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / "README.md").read_text().split("\n## ")[0]
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test\b", ci, re.M)
    makefile = (ROOT / "Makefile").read_text()
    assert "torch==2.13.0" in makefile and "-c constraints.txt" in makefile
    assert "exit 1" in makefile.split("\ntest:")[1].split("\n\n")[0]  # pytest's "no tests" code
