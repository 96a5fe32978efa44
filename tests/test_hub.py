"""ember.hub: the cache directory ($EMBER_HOME/hub, set_dir), downloads through a temporary
file with torch.hub's sha256 prefix check, and load_state_dict_from_url reading the cache.
Downloads use file:// URLs: no network is needed or touched."""

import hashlib
import os
import urllib.error

import pytest
import torch

import ember
from ember import hub


@pytest.fixture(autouse=True)
def fresh_hub(tmp_path, monkeypatch):
    monkeypatch.setenv("EMBER_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(hub, "_hub_dir", None)


@pytest.fixture
def checkpoint(tmp_path):
    """A state_dict saved as ``weights-<sha256 prefix>.pth`` and its file:// URL."""
    state = {"w": ember.arange(6.0).reshape(2, 3), "b": ember.tensor([1, 2])}
    staging = tmp_path / "staging.pth"
    ember.save(state, staging)
    digest = hashlib.sha256(staging.read_bytes()).hexdigest()
    source = tmp_path / "server" / f"weights-{digest[:8]}.pth"
    source.parent.mkdir()
    staging.rename(source)
    return state, source, source.as_uri(), digest


def test_hub_get_dir_follows_ember_home(tmp_path, monkeypatch):
    assert hub.get_dir() == os.path.join(str(tmp_path / "home"), "hub")
    monkeypatch.delenv("EMBER_HOME")
    assert hub.get_dir() == os.path.expanduser(os.path.join("~", ".cache", "ember", "hub"))
    hub.set_dir(tmp_path / "elsewhere")
    assert hub.get_dir() == str(tmp_path / "elsewhere")


def test_hub_download_url_to_file_checks_hash(checkpoint, tmp_path):
    _, source, url, digest = checkpoint
    dst = tmp_path / "out" / "file.pth"
    hub.download_url_to_file(url, dst, hash_prefix=digest[:10], progress=False)
    assert dst.read_bytes() == source.read_bytes()
    bad = tmp_path / "out" / "bad.pth"
    with pytest.raises(
        RuntimeError, match=f'invalid hash value \\(expected "0000", got "{digest}"'
    ):
        hub.download_url_to_file(url, bad, hash_prefix="0000", progress=False)
    assert sorted(os.listdir(tmp_path / "out")) == ["file.pth"]  # no partial or bad file


def test_hub_load_state_dict_from_url_downloads_then_uses_cache(checkpoint, tmp_path):
    state, source, url, _ = checkpoint
    loaded = hub.load_state_dict_from_url(url, progress=False, check_hash=True)
    cached = tmp_path / "home" / "hub" / "checkpoints" / source.name
    assert cached.exists()
    assert list(loaded) == ["w", "b"] and bool(ember.equal(loaded["w"], state["w"]))
    source.unlink()  # the second call must not need the source
    again = hub.load_state_dict_from_url(url, progress=False)
    assert bool(ember.equal(again["b"], state["b"]))
    # torch reads the cached file: it is PyTorch's format.
    assert torch.equal(torch.load(cached, weights_only=True)["w"], torch.arange(6.0).reshape(2, 3))


def test_hub_load_state_dict_from_url_model_dir_and_file_name(checkpoint, tmp_path):
    state, _, url, _ = checkpoint
    loaded = hub.load_state_dict_from_url(
        url, model_dir=tmp_path / "models", file_name="renamed.pth", progress=False
    )
    assert (tmp_path / "models" / "renamed.pth").exists()
    assert bool(ember.equal(loaded["w"], state["w"]))


def test_hub_check_hash_rejects_a_mismatched_download(checkpoint, tmp_path):
    _, source, _, digest = checkpoint
    wrong = source.with_name("weights-0123abcd.pth")
    source.rename(wrong)
    with pytest.raises(RuntimeError, match="invalid hash value"):
        hub.load_state_dict_from_url(wrong.as_uri(), progress=False, check_hash=True)
    assert not (tmp_path / "home" / "hub" / "checkpoints" / wrong.name).exists()


def test_hub_missing_file_without_network_names_url_and_destination(monkeypatch, tmp_path):
    def refuse(*args, **kwargs):
        raise urllib.error.URLError("network is unreachable")

    monkeypatch.setattr("urllib.request.urlopen", refuse)
    url = "https://download.pytorch.org/models/resnet18-f37072fd.pth"
    with pytest.raises(RuntimeError) as info:
        hub.load_state_dict_from_url(url)
    dest = tmp_path / "home" / "hub" / "checkpoints" / "resnet18-f37072fd.pth"
    assert f"Download {url} and place it at {dest}" in str(info.value)
    assert isinstance(info.value.__cause__, urllib.error.URLError)
