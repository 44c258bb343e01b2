"""Fetch MathJax 3 from the npm registry, so the site serves math rendering itself.

Usage: python docs/fetch_mathjax.py DEST   (`make book` runs it once; DEST/es5/tex-mml-chtml.js
is the file the site loads). The tarball is checked against the registry's published sha512
before anything is unpacked. Only what the site uses is kept: TeX input, CommonHTML output with
its fonts, and the menu and accessibility parts MathJax loads on demand.
"""

import base64
import hashlib
import io
import shutil
import sys
import tarfile
import tempfile
import urllib.request
from pathlib import Path

VERSION = "3.2.2"
URL = f"https://registry.npmjs.org/mathjax/-/mathjax-{VERSION}.tgz"
SHA512 = "Bt+SSVU8eBG27zChVewOicYs7Xsdt40qm4+UpHyX7k0/O9NliPc+x77k1/FEsPsjKPZGJvtRZM1vO+geW0OhGw=="
KEEP = ("LICENSE", "es5/tex-mml-chtml.js", "es5/input/", "es5/output/chtml.js",
        "es5/output/chtml/", "es5/a11y/", "es5/ui/", "es5/sre/", "es5/adaptors/")


def fetch(dest: Path) -> None:
    with urllib.request.urlopen(URL, timeout=120) as response:
        data = response.read()
    digest = base64.b64encode(hashlib.sha512(data).digest()).decode()
    if digest != SHA512:
        sys.exit(f"error: {URL} does not match its published sha512; not using it")
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=dest.parent) as tmp:
        staging = Path(tmp) / "mathjax"
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            for member in tar.getmembers():
                name = member.name.removeprefix("package/")
                if member.isfile() and name.startswith(KEEP) and ".." not in Path(name).parts:
                    target = staging / name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(tar.extractfile(member).read())
        if dest.exists():
            shutil.rmtree(dest)
        staging.rename(dest)
    print(f"MathJax {VERSION} -> {dest}")


if __name__ == "__main__":
    fetch(Path(sys.argv[1]))
