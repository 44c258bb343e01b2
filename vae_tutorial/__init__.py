"""vae_tutorial: the code taught by the notebooks, each function defined once.

Modules: config, data, model, objectives, training, sampling, evaluation, analysis,
plotting, notebook, persistence (keeping a trained model); beyond the 2-D Gaussian:
variants (other decoders and networks), digits (images), mixtures, quadrature, gaps,
iwae_training (where the Gaussian VAE falls short), rate_distortion (beta and posterior
collapse), mnist (28 x 28 digits, binarised), conditional (labels: a conditional
VAE), latent_diffusion (latent maps, the scaling factor, a second stage).
"""

from .analysis import (
    LinearOptimum,
    ignore_z_baseline,
    ignore_z_ceiling,
    kl_per_dimension,
    linear_optimum,
    linear_posterior,
    negative_elbo,
)
from .conditional import (
    check_labels,
    class_log_likelihoods,
    class_posterior,
    marginal_log_prob,
)
from .config import (
    converged_config,
    default_config,
    digits_config,
    mnist_config,
    validate_config,
)
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
from .digits import (
    bits_per_dim,
    digits_dataset,
    digits_labels,
    ignore_z_log_probs,
    ignore_z_nll,
    image_mosaic,
    plot_digits,
)
from .evaluation import iwae_nll, log_weight_chunks, log_weights
from .gaps import GapSplit, gap_split, optimise_q
from .iwae_training import iwae_loss, train_iwae
from .latent_diffusion import (
    TwoStageBound,
    latent_maps,
    latent_scale,
    scaled_latents,
    second_stage_config,
    two_stage_bound,
)
from .mixtures import GaussianMixture, mixture_dataset, mixture_preset
from .mnist import (
    binarize,
    check_pixels,
    ignore_z_bernoulli_nll,
    ignore_z_pixel_probs,
    mnist_dataset,
    mnist_labels,
    plot_images,
    read_idx,
)
from .model import VAE, GaussianMLP, LossParts, VAEOutput, build_vae
from .notebook import own_settings, setup_notebook, show_source
from .objectives import (
    bernoulli_nll,
    categorical_nll,
    gaussian_kl,
    gaussian_nll,
    sample_latents,
)
from .persistence import load_model, save_model
from .quadrature import grid_posterior, quadrature_nll
from .rate_distortion import (
    BetaOptimum,
    LinearFit,
    SweepPoint,
    active_units,
    beta_optimum,
    beta_sweep,
    collapse_beta,
    distance_to_curve,
    fit_linear_vae,
    learned_variance,
    linear_beta_objective,
    rate_distortion_curve,
)
from .sampling import generate_samples
from .training import TrainingResult, resolve_device, run_model, run_test, train_step
from .variants import (
    BernoulliVAE,
    CategoricalVAE,
    ConvDecoder,
    ConvEncoder,
    FixedVarianceDecoder,
    make_vae,
)

__version__ = "0.1.0"

__all__ = [
    # Build it (00-06): the data and its exact density, the networks, the
    # reparameterization, the loss, training, samples; notebook helpers; keeping a model
    "SOURCE_COV", "SOURCE_MU", "GaussianMLP", "LossParts", "TrainingResult", "VAE",
    "VAEOutput", "build_vae", "check_data", "check_gaussian", "converged_config",
    "default_config", "gaussian_entropy", "gaussian_kl", "gaussian_nll",
    "generate_samples", "ignore_z_baseline", "ignore_z_ceiling", "load_model",
    "own_settings", "resolve_device", "run_model", "run_test", "sample_gaussian",
    "sample_latents", "save_model", "setup_notebook", "show_source", "source_dataset",
    "train_step", "train_test_split", "true_log_prob", "validate_config",
    # On real data (07 MNIST: Bernoulli decoder, convolutions; 08 the conditional VAE)
    "BernoulliVAE", "ConvDecoder", "ConvEncoder", "bernoulli_nll", "binarize",
    "check_pixels", "ignore_z_bernoulli_nll", "ignore_z_pixel_probs", "make_vae",
    "mnist_config", "mnist_dataset", "mnist_labels", "plot_images", "read_idx",
    "check_labels", "class_log_likelihoods", "class_posterior", "marginal_log_prob",
    # How good is it (09 evaluation, 10 derivations, 11 digits, 12 beyond the Gaussian,
    # 13 the gap split)
    "LinearOptimum", "iwae_nll", "kl_per_dimension", "linear_optimum",
    "linear_posterior", "log_weight_chunks", "log_weights", "negative_elbo",
    "CategoricalVAE", "FixedVarianceDecoder", "bits_per_dim", "categorical_nll",
    "check_levels", "digits_config", "digits_dataset", "digits_labels",
    "ignore_z_log_probs", "ignore_z_nll", "image_mosaic", "plot_digits",
    "GapSplit", "GaussianMixture", "gap_split", "grid_posterior", "iwae_loss",
    "mixture_dataset", "mixture_preset", "optimise_q", "quadrature_nll", "train_iwae",
    # Trade-offs, and where VAEs went (14 rate and distortion, 15 latent diffusion)
    "BetaOptimum", "LinearFit", "SweepPoint", "active_units", "beta_optimum",
    "beta_sweep", "collapse_beta", "distance_to_curve", "fit_linear_vae",
    "learned_variance", "linear_beta_objective", "rate_distortion_curve",
    "TwoStageBound", "latent_maps", "latent_scale", "scaled_latents",
    "second_stage_config", "two_stage_bound",
]
