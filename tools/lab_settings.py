"""JupyterLab defaults of `make lab`, merged into this environment's overrides.json
(.venv/share/jupyter/lab/settings/; your own JupyterLab settings are not touched and win).

- A double click opens a Python file with Jupytext: notebooks/NN_topic.py opens as a notebook.
- No request to the internet: no news feed, no check for JupyterLab updates.

    python tools/lab_settings.py PATH/TO/overrides.json
"""

import json
import sys
from pathlib import Path

SETTINGS = {
    "@jupyterlab/docmanager-extension:plugin": {"defaultViewers": {"python": "Jupytext Notebook"}},
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false",
                                                     "checkForUpdates": False},
}


def merge(path: Path) -> dict:
    """Write SETTINGS into the overrides file at `path`, keeping its other entries."""
    settings = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    for plugin, values in SETTINGS.items():
        entry = settings.setdefault(plugin, {})
        for key, value in values.items():
            entry[key] = {**entry.get(key, {}), **value} if isinstance(value, dict) else value
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(settings, indent=2) + "\n", encoding="utf-8")
    return settings


if __name__ == "__main__":
    merge(Path(sys.argv[1]))
