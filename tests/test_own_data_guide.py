"""docs/own_data.md works as written: its python blocks run in order in one namespace,
and what they print shows the model beats the yardsticks the page names."""

import re
import warnings
from pathlib import Path

import numpy as np

GUIDE = Path(__file__).resolve().parents[1] / "docs" / "own_data.md"


def blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", GUIDE.read_text(), flags=re.S)


def test_the_guide_runs_as_written(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # it saves a model file
    namespace = {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # only the warning the page shows, caught there
        for code in blocks():
            exec(compile(code, str(GUIDE), "exec"), namespace)
    out = capsys.readouterr().out
    assert "likelihood='categorical', num_values=K" in out  # the warning, printed
    result, cfg = namespace["result"], namespace["cfg"]
    assert cfg.num_epochs == 20 and result.best_epoch > 0
    # The IWAE estimate is tighter than the -ELBO and beats one Gaussian fit.
    assert namespace["iwae"] < namespace["neg_elbo"] < namespace["gaussian"]
    assert out.rstrip().endswith("gaussian 20 True")
    assert (tmp_path / "my_vae.pt").is_file()
    assert np.all(np.isfinite(namespace["on_levels"].train_losses))


def test_the_readme_points_at_the_guide():
    readme = (GUIDE.parents[1] / "README.md").read_text()
    assert "docs/own_data.md" in readme
