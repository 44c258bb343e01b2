"""The training progress bar is plain text on standard output (JupyterLab shows standard
error on a pink background, like an error), and it fits a code block on the site."""

from vae_tutorial import default_config, run_model, source_dataset
from vae_tutorial.progress import BAR_WIDTH, progress_bar


def test_the_bar_writes_to_stdout_only(capsys):
    bar = progress_bar(5, desc="demo")
    for _ in range(5):
        bar.update()
    bar.close()
    out, err = capsys.readouterr()
    assert err == ""
    final = out.split("\r")[-1].strip()
    assert final.startswith("demo: 100%") and "5/5" in final
    assert max(len(part.rstrip("\n")) for part in out.split("\r")) <= BAR_WIDTH <= 88


def test_run_model_shows_its_bar_on_stdout_and_can_hide_it(capsys):
    train, test = source_dataset(seed=0)
    cfg = default_config(sample_each_step=False, n_samples=10)
    run_model(cfg, train[:512], test[:256])
    out, err = capsys.readouterr()
    assert "training: 100%" in out and err == ""
    run_model({**cfg, "progress": False}, train[:512], test[:256])
    out, err = capsys.readouterr()
    assert out == "" and err == ""
