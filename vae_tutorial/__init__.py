"""vae_tutorial: the code taught by the notebooks, each function defined once.

Modules: config, data, model, objectives, training, sampling, evaluation, analysis, plotting,
notebook.
"""

from .analysis import (
    LinearOptimum,
    ignore_z_ceiling,
    kl_per_dimension,
    linear_optimum,
    linear_posterior,
    negative_elbo,
)
from .config import converged_config, default_config, validate_config
from .data import (
                   SOURCE_COV,
                   SOURCE_MU,
                   check_data,
                   check_gaussian,
                   gaussian_entropy,
                   sample_gaussian,
                   source_dataset,
                   train_test_split,
                   true_log_prob,
)
from .evaluation import iwae_nll, log_weight_chunks, log_weights
from .model import VAE, GaussianMLP, LossParts, VAEOutput, build_vae
from .notebook import setup_notebook, show_source
from .objectives import gaussian_kl, gaussian_nll, sample_latents
from .sampling import generate_samples
from .training import TrainingResult, resolve_device, run_model, run_test, train_step

__version__ = "0.1.0"

__all__ = [
    "LinearOptimum", "ignore_z_ceiling", "kl_per_dimension", "linear_optimum", "linear_posterior",
    "negative_elbo",
    "SOURCE_COV", "SOURCE_MU", "source_dataset",
    "GaussianMLP", "LossParts", "TrainingResult", "VAE", "VAEOutput", "build_vae", "check_data",
    "check_gaussian", "converged_config", "default_config", "gaussian_entropy", "gaussian_kl",
    "gaussian_nll", "generate_samples", "iwae_nll", "log_weight_chunks", "log_weights",
    "resolve_device", "run_model",
    "run_test", "sample_gaussian", "sample_latents", "setup_notebook", "show_source",
    "train_step", "train_test_split", "true_log_prob", "validate_config",
]
