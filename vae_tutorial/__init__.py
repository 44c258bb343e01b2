"""vae_tutorial: the code taught by the notebooks, each function defined once.

Modules: config, data, model, objectives, training, sampling, evaluation, analysis,
plotting, notebook; beyond the 2-D Gaussian: variants (other decoders and networks),
digits (images).
"""

from .analysis import (
    LinearOptimum,
    ignore_z_ceiling,
    kl_per_dimension,
    linear_optimum,
    linear_posterior,
    negative_elbo,
)
from .config import converged_config, default_config, digits_config, validate_config
from .data import (
    SOURCE_COV,
    SOURCE_MU,
    check_data,
    check_gaussian,
    check_levels,
    gaussian_entropy,
    sample_gaussian,
    source_dataset,
    train_test_split,
    true_log_prob,
)
from .digits import digits_dataset, digits_labels
from .evaluation import iwae_nll, log_weight_chunks, log_weights
from .model import VAE, GaussianMLP, LossParts, VAEOutput, build_vae
from .notebook import setup_notebook, show_source
from .objectives import categorical_nll, gaussian_kl, gaussian_nll, sample_latents
from .sampling import generate_samples
from .training import TrainingResult, resolve_device, run_model, run_test, train_step
from .variants import CategoricalVAE, FixedVarianceDecoder, make_vae

__version__ = "0.1.0"

__all__ = [
    "LinearOptimum", "ignore_z_ceiling", "kl_per_dimension", "linear_optimum",
    "linear_posterior", "negative_elbo",
    "SOURCE_COV", "SOURCE_MU", "source_dataset",
    "CategoricalVAE", "FixedVarianceDecoder", "GaussianMLP", "LossParts", "TrainingResult",
    "VAE", "VAEOutput", "build_vae", "categorical_nll", "check_data", "check_gaussian",
    "check_levels", "converged_config", "default_config", "digits_config", "digits_dataset",
    "digits_labels", "gaussian_entropy", "gaussian_kl", "gaussian_nll", "generate_samples",
    "iwae_nll", "log_weight_chunks", "log_weights", "make_vae", "resolve_device",
    "run_model", "run_test", "sample_gaussian", "sample_latents", "setup_notebook",
    "show_source", "train_step", "train_test_split", "true_log_prob", "validate_config",
]
