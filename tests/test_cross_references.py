"""Cross-references between notebooks stay true after a renumbering (issues 22 and 23).

Read in notebooks/NN_topic.py, the package's modules (docstrings and comments), benchmarks/,
README.md, CONTRIBUTING.md and docs/ (prose wrapped over several lines is joined first):
- "notebook NN", "notebooks NN and MM", "notebooks NN, MM and KK", "notebooks NN-MM",
  "NN · Title" and file stems `NN_topic` must name notebooks that exist;
- "NN · Title" must carry that notebook's own title: its first heading's short form (before
  the colon), or the whole of it;
- where a sentence says what it finds in "notebook NN" by name (a package name in backticks
  such as `train_iwae`, a `name_with_underscores`, or an acronym such as STL), the notebook
  must mention at least one of those names: a reference renumbered to the wrong page fails
  here ("notebook 12's importance-weighted training (`train_iwae`)" with the gap split at 13);
- every notebook's last "Next" pointer is a markdown link to the next notebook in number
  order, the last one (15) back to 00.

Each test lists every problem it finds, with file and line, not only the first.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from notebook_stats import PARTS  # noqa: E402

NOTEBOOKS = {p.stem[:2]: p for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py"))}
LAST = PARTS[-1][2]  # the last notebook of the reading order (15)


def sources() -> list[Path]:
    paths = list(NOTEBOOKS.values()) + sorted((ROOT / "vae_tutorial").glob("*.py"))
    paths += sorted((ROOT / "benchmarks").rglob("*.py"))
    paths += [ROOT / "README.md", ROOT / "CONTRIBUTING.md"]
    paths += sorted(p for p in (ROOT / "docs").rglob("*") if p.suffix in (".md", ".py", ".css")
                    and "_build" not in p.parts)
    return [p for p in paths if p.is_file()]


class Text:
    """A file's text with line breaks and comment markers turned into single spaces, so that a
    reference wrapped over two lines reads as one; `line(offset)` maps back to the file."""

    def __init__(self, path: Path):
        self.path = path
        parts, self.starts, self.lines, offset = [], [], [], 0
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            line = re.sub(r"^\s*#+ ?", "", line).strip() if path.suffix == ".py" else line.strip()
            parts.append(line)
            self.starts.append(offset)
            self.lines.append(number)
            offset += len(line) + 1
        self.text = " ".join(parts)

    def where(self, offset: int) -> str:
        index = max(i for i, start in enumerate(self.starts) if start <= offset)
        return f"{self.path.relative_to(ROOT)}:{self.lines[index]}"


TEXTS = [Text(p) for p in sources()]
NUMBER = r"(?<![\d.,])(\d\d)(?![\d.,]\d|_)"
MENTION = re.compile(rf"\b[Nn]otebooks?\s+({NUMBER}(?:(?:\s*,\s*|\s+and\s+|\s+or\s+|\s*[-–]\s*)"
                     rf"{NUMBER})*)")
TITLED = re.compile(r"(?<![\d.])(\d\d) · ([^\]*`|]+?)(?=\]|\*\*|`|\||$| —)")
TITLED_OPEN = re.compile(r"(?<![\d.])(\d\d) · (\S[^\n]{0,80})")
STEM = re.compile(r"(?<![\w/-])(\d\d)_([a-z][a-z0-9_]*[a-z0-9])\b")
EVIDENCE = re.compile(r"`([A-Za-z_][\w.]*)`|\b([a-z]+_[a-z_]+)\b|\b([A-Z]{3,5})\b")


def title(number: str) -> str:
    """The notebook's first heading without its number: 'The networks: encoder and decoder'."""
    text = NOTEBOOKS[number].read_text(encoding="utf-8")
    return re.search(r"^# # \d\d · (.+)$", text, re.M).group(1).strip()


def mentioned_numbers(match: re.Match) -> list[str]:
    return re.findall(r"\d\d", match.group(1))


def referenced_numbers():
    """(where, number, how it was written) for every reference in every file."""
    for text in TEXTS:
        for match in MENTION.finditer(text.text):
            for number in mentioned_numbers(match):
                yield text.where(match.start()), number, match.group(0)
        for match in TITLED_OPEN.finditer(text.text):
            yield text.where(match.start()), match.group(1), match.group(0)[:40]
        for match in STEM.finditer(text.text):
            yield text.where(match.start()), match.group(1), match.group(0)


def fail_with(problems: list[str], what: str) -> None:
    if problems:
        pytest.fail(f"{len(problems)} {what}:\n  " + "\n  ".join(problems), pytrace=False)


def test_every_reference_names_a_notebook_that_exists():
    problems = []
    for where, number, written in referenced_numbers():
        if number not in NOTEBOOKS:
            problems.append(f"{where}: {written!r}: there is no notebook {number}")
    for text in TEXTS:
        for match in STEM.finditer(text.text):
            number, stem = match.group(1), match.group(0)
            if number in NOTEBOOKS and NOTEBOOKS[number].stem != stem:
                problems.append(f"{text.where(match.start())}: {stem!r}: notebook {number} is "
                                f"{NOTEBOOKS[number].stem}")
    fail_with(sorted(set(problems)), "references to notebooks that do not exist")


def test_every_numbered_title_is_the_notebooks_own():
    problems = []
    for text in TEXTS:
        for match in TITLED_OPEN.finditer(text.text):
            number, written = match.group(1), match.group(2)
            if number not in NOTEBOOKS:
                continue  # the test above reports it
            own = title(number)
            if text.path == NOTEBOOKS[number] and written.startswith(own):
                continue  # the notebook's own heading
            short = own.split(":")[0].strip()
            bounded = TITLED.match(text.text, match.start())
            if bounded is not None:
                ok = bounded.group(2).strip().rstrip(",.") in (short, own)
            else:
                ok = written.startswith(short)
            if not ok:
                shown = bounded.group(2).strip() if bounded is not None else written[:40]
                problems.append(f"{text.where(match.start())}: '{number} · {shown}' but "
                                f"notebook {number} is '{number} · {short}'")
    fail_with(problems, "numbered titles that are not the notebook's own")


def clause_after(text: str, start: int) -> str:
    """What follows a reference up to the end of its clause: a full stop or a semicolon, the
    parenthesis the reference sits in, the next notebook reference, the end of a notebook
    cell (`%%`) or of a string's prose (an f-string's `{`: what follows is code)."""
    clause, depth = [], 0
    for i, char in enumerate(text[start:start + 200], start):
        if char in ".;" and (i + 1 == len(text) or text[i + 1].isspace()):
            break
        if char == "{" or text.startswith("%%", i):
            break
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            break
        clause.append(char)
    return re.split(r"\bnotebooks?\s+\d\d", "".join(clause), flags=re.I)[0]


def notebook_words(number: str) -> str:
    return NOTEBOOKS[number].read_text(encoding="utf-8")


def test_what_a_reference_says_is_in_a_notebook_is_there():
    """'notebook 12's importance-weighted training (`train_iwae`)': the names a sentence
    attributes to a notebook (in the rest of that sentence) must appear in it."""
    problems = []
    for text in TEXTS:
        for match in MENTION.finditer(text.text):
            numbers = [n for n in mentioned_numbers(match) if n in NOTEBOOKS]
            if len(numbers) != 1:
                continue  # several notebooks: which holds what is not said
            number = numbers[0]
            if text.path == NOTEBOOKS[number]:
                continue
            names = {next(g for g in found if g)
                     for found in EVIDENCE.findall(clause_after(text.text, match.end()))}
            names = {n.split(".")[-1] for n in names if not re.match(r"[a-z]_", n)}
            names -= {"NLL", "KL", "ELBO", "IWAE", "VAE", "VAEs", "MLP", "CPU", "GPU", "MNIST"}
            if names and not any(name in notebook_words(number) for name in names):
                problems.append(f"{text.where(match.start())}: {match.group(0)!r} is said to "
                                f"hold {sorted(names)}; {NOTEBOOKS[number].name} mentions "
                                "none of them")
    fail_with(problems, "references whose notebook does not hold what they say")


def test_every_notebook_ends_with_a_link_to_the_next():
    """The last "Next" pointer of notebook NN links to NN+1 (its .ipynb: it works on GitHub,
    in Colab, in JupyterLab and on the site); the last notebook's points back to 00."""
    problems = []
    for number, path in NOTEBOOKS.items():
        following = f"{(int(number) + 1) % (LAST + 1):02d}"
        text = Text(path).text
        pointers = list(re.finditer(r"\bNext\b", text))
        if not pointers:
            problems.append(f"{path.name}: no 'Next' pointer (to notebook {following})")
            continue
        after = text[pointers[-1].start():pointers[-1].start() + 300]
        link = re.search(r"\[([^\]]+)\]\(([^)\s]+)\)", after)
        bold = re.search(r"\*\*(\d\d) · [^*]+\*\*", after)
        if link is None or (bold is not None and bold.start() < link.start()):
            problems.append(f"{path.name}: its 'Next' pointer is not a markdown link "
                            f"({after[:60]!r})")
        elif not re.fullmatch(rf"{following}_[a-z0-9_]+\.ipynb", link.group(2)):
            problems.append(f"{path.name}: 'Next' links to {link.group(2)}, not to notebook "
                            f"{following}")
    fail_with(problems, "notebooks without a link to the next one")


def test_the_reference_finder_catches_stale_references():
    """The patterns themselves, on made-up text."""
    text = ("see notebooks 05 and 17, notebook 12's runs, 03 · The reparameterization trick,"
            " notebooks 01-06, 99_missing and 02_network")
    found = sorted(n for m in MENTION.finditer(text) for n in mentioned_numbers(m))
    assert found == ["01", "05", "06", "12", "17"]
    assert [m.group(1) for m in TITLED_OPEN.finditer(text)] == ["03"]
    assert [m.group(0) for m in STEM.finditer(text)] == ["99_missing", "02_network"]
    assert TITLED.match("04 · The loss](04_loss.ipynb)").group(2) == "The loss"
    said = "notebook 12's training (`train_iwae`, in STL), which (see notebook 01) runs. Then"
    assert clause_after(said, said.index("12") + 2) == (
        "'s training (`train_iwae`, in STL), which (see ")
    assert clause_after(said, said.index("01") + 2) == ""
    said = "Notebook 12's digits runs: digits_config with these overrides. Then"
    assert EVIDENCE.findall(clause_after(said, 11)) == [("", "digits_config", "")]
