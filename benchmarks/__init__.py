"""Speed and quality measurements for vae_tutorial; run with ``make bench``
(``python -m benchmarks.run``).  Results are printed as tables and written to
``benchmarks/results/latest.json``."""
