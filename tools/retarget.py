"""The repository's address, kept in one place: pyproject.toml's [project.urls] Repository.

Its copies: every notebook's Colab badge (`.py` and `.ipynb`), the set-up cell's
`git+https://github.com/OWNER/NAME` (also in CONTRIBUTING.md), and any link to the repository
in README.md, CONTRIBUTING.md and docs/ (the site's repository button reads pyproject itself).
`tests/test_repository_address.py` checks that they all agree; this script rewrites them all
for a fork:

    python tools/retarget.py OWNER/NAME            (make retarget REPO=OWNER/NAME)
    python tools/retarget.py --check               exit 1 and list every copy that disagrees
    python tools/retarget.py --root DIR OWNER/NAME  another checkout (the test uses a copy)

Both halves of a notebook pair get the same textual edit, so a pair in sync stays in sync
(checked afterwards with tools/notebook_checks.py).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OWNER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}")
PACKAGE = "vae_tutorial"
# An address of a GitHub repository: a plain link, a pip install source, a Colab link.
ADDRESS = re.compile(r"(?:https://github\.com/|git\+https://github\.com/|"
                     r"colab\.research\.google\.com/github/)"
                     r"(?P<repo>[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]*[A-Za-z0-9_-])")
BADGE = re.compile(r"\(https://colab\.research\.google\.com/github/(?P<repo>[^/]+/[^/]+)"
                   r"/blob/main/notebooks/(?P<file>[^)\s]+)\)")
INSTALL = re.compile(r"git\+https://github\.com/(?P<repo>[^\"'\s]+)")


def repository(root: Path = ROOT) -> str:
    """OWNER/NAME from pyproject.toml's [project.urls] Repository."""
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10: the one line, as docs/conf.py reads it
        url = re.search(r'^Repository\s*=\s*"([^"]+)"', text, re.M).group(1)
    else:
        url = tomllib.loads(text)["project"]["urls"]["Repository"]
    match = re.fullmatch(r"https://github\.com/(" + OWNER_NAME.pattern + ")", url)
    if not match:
        raise ValueError(f"pyproject.toml: [project.urls] Repository must be "
                         f"https://github.com/OWNER/NAME, got {url!r}")
    return match.group(1)


def files(root: Path = ROOT) -> list[Path]:
    """Every file that may hold a copy of the address."""
    notebooks = sorted((root / "notebooks").glob("[0-9][0-9]_*.py")) + \
        sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    docs = sorted(p for p in (root / "docs").glob("*.md")) + \
        sorted((root / "docs" / "_ext").glob("*.py")) + [root / "docs" / "conf.py"]
    return [p for p in [root / "pyproject.toml", root / "README.md",
                        root / "CONTRIBUTING.md", *docs, *notebooks] if p.is_file()]


def _text(path: Path) -> str:
    """What a reader sees: an .ipynb's cell sources, any other file as it is."""
    text = path.read_text(encoding="utf-8")
    if path.suffix != ".ipynb":
        return text
    return "\n".join("".join(cell["source"]) for cell in json.loads(text)["cells"])


def _ours(repo: str, ours: str) -> bool:
    """Is `repo` meant to be this repository (its owner, or a repository named like the
    package), rather than another project a notebook cites?"""
    owner, name = repo.split("/", 1)
    return owner == ours.split("/")[0] or name.lower().replace("-", "_") == PACKAGE


def problems(root: Path = ROOT) -> list[str]:
    """One line per copy of the address that disagrees with pyproject's."""
    ours, out = repository(root), []
    for path in files(root):
        text, rel = _text(path), path.relative_to(root).as_posix()
        for m in ADDRESS.finditer(text):
            if m["repo"] != ours and _ours(m["repo"], ours):
                out.append(f"{rel}: {m.group(0)} (pyproject says {ours})")
        for m in INSTALL.finditer(text):
            if m["repo"] != ours:
                out.append(f"{rel}: installs git+https://github.com/{m['repo']} "
                           f"(pyproject says {ours})")
        for m in BADGE.finditer(text):
            if m["repo"] != ours:
                out.append(f"{rel}: Colab badge opens {m['repo']} (pyproject says {ours})")
            if path.parent.name == "notebooks" and m["file"] != path.stem + ".ipynb":
                out.append(f"{rel}: Colab badge opens notebooks/{m['file']}, "
                           f"not {path.stem}.ipynb")
    return list(dict.fromkeys(out))


def retarget(new: str, root: Path = ROOT) -> list[Path]:
    """Point every copy of the address (and pyproject's) at github.com/`new`; return the
    files changed."""
    if not OWNER_NAME.fullmatch(new):
        raise ValueError(f"REPO must be OWNER/NAME as on GitHub, got {new!r}")
    old = repository(root)
    pattern = re.compile(r"(https://github\.com/|colab\.research\.google\.com/github/)"
                         + re.escape(old) + r"(?![A-Za-z0-9._-])")
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from notebook_checks import sync_problem

    notebooks = root / "notebooks"
    in_sync = {p for p in notebooks.glob("[0-9][0-9]_*.py") if not sync_problem(p)}
    changed = []
    for path in files(root):
        text = path.read_text(encoding="utf-8")
        new_text = pattern.sub(lambda m: m.group(1) + new, text)
        if new_text != text:
            path.write_text(new_text, encoding="utf-8")
            changed.append(path)
    broken = [p.name for p in sorted(in_sync) if sync_problem(p)]
    if broken:
        raise RuntimeError(f"pairs out of sync after retargeting: {broken}")
    return changed


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", nargs="?", help="OWNER/NAME of the new repository")
    parser.add_argument("--check", action="store_true", help="only check the copies")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to change")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    if args.check or not args.repo:
        if not args.check:
            parser.error("give OWNER/NAME (make retarget REPO=OWNER/NAME), or --check")
        found = problems(root)
        print("\n".join(found) if found else f"every copy says {repository(root)}")
        return 1 if found else 0
    try:
        changed = retarget(args.repo, root)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for path in changed:
        print(f"rewrote {path.relative_to(root)}")
    left = problems(root)
    for problem in left:
        print(f"still disagrees: {problem}", file=sys.stderr)
    print(f"{len(changed)} file(s) now point at https://github.com/{args.repo}")
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
