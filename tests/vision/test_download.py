"""Downloads against a local HTTP server on 127.0.0.1: checksums, resuming with HTTP Range,
mirror fallback, extraction of the archive kinds."""

import gzip
import hashlib
import http.server
import io
import pickle
import tarfile
import threading
import zipfile
from pathlib import Path

import numpy as np
import pytest

from ember.vision import datasets
from ember.vision.datasets import utils

SAMPLE = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "mnist-sample"


class Handler(http.server.BaseHTTPRequestHandler):
    """Serves ``server.files``; honours ``Range: bytes=N-``; ``server.cut[path] = n`` sends
    only the first n bytes of the next full response, then drops the connection;
    ``server.redirects[path]`` answers 302 to another path."""

    def do_GET(self):
        server = self.server
        server.requests.append((self.path, self.headers.get("Range")))
        if self.path in server.redirects:
            self.send_response(302)
            self.send_header("Location", server.redirects[self.path])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = server.files.get(self.path)
        if body is None:
            self.send_error(404)
            return
        start = 0
        ranged = self.headers.get("Range")
        if ranged and server.ranges:
            start = int(ranged.removeprefix("bytes=").removesuffix("-"))
            if start >= len(body):
                self.send_error(416)
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(body) - start))
        self.end_headers()
        cut = server.cut.pop(self.path, None)
        self.wfile.write(body[start:cut] if cut is not None else body[start:])
        if cut is not None:
            self.close_connection = True

    def log_message(self, *args):  # keep the test output quiet
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.files, httpd.cut, httpd.requests, httpd.ranges = {}, {}, [], True
    httpd.redirects = {}
    httpd.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def payload(n=300_000, seed=0):
    return np.random.default_rng(seed).integers(0, 256, size=n, dtype=np.uint8).tobytes()


def md5(data):
    return hashlib.md5(data).hexdigest()


def test_download_url_verifies_and_skips_a_verified_file(server, tmp_path):
    data = payload()
    server.files["/f.bin"] = data
    utils.download_url(server.url + "/f.bin", tmp_path, md5=md5(data))
    assert (tmp_path / "f.bin").read_bytes() == data
    assert not (tmp_path / "f.bin.part").exists()
    utils.download_url(server.url + "/f.bin", tmp_path, md5=md5(data))
    assert len(server.requests) == 1  # already there and verified: nothing fetched
    assert utils.check_integrity(tmp_path / "f.bin", md5(data))
    assert utils.calculate_md5(tmp_path / "f.bin") == md5(data)


def test_download_url_wrong_checksum_leaves_nothing(server, tmp_path):
    server.files["/f.bin"] = payload()
    with pytest.raises(RuntimeError, match="File not found or corrupted. The MD5 of .*f.bin is"):
        utils.download_url(server.url + "/f.bin", tmp_path, "g.bin", md5="0" * 32)
    assert list(tmp_path.iterdir()) == []


def test_interrupted_transfer_resumes_with_range(server, tmp_path):
    data = payload()
    server.files["/f.bin"] = data
    server.cut["/f.bin"] = 100_000
    utils.download_url(server.url + "/f.bin", tmp_path, md5=md5(data))
    assert (tmp_path / "f.bin").read_bytes() == data
    assert server.requests == [("/f.bin", None), ("/f.bin", "bytes=100000-")]


def test_partial_file_from_an_earlier_run_is_resumed(server, tmp_path):
    data = payload()
    server.files["/f.bin"] = data
    (tmp_path / "f.bin.part").write_bytes(data[:12345])
    utils.download_url(server.url + "/f.bin", tmp_path, md5=md5(data))
    assert (tmp_path / "f.bin").read_bytes() == data
    assert server.requests == [("/f.bin", "bytes=12345-")]


def test_server_without_range_support_restarts(server, tmp_path):
    data = payload()
    server.files["/f.bin"], server.ranges = data, False
    (tmp_path / "f.bin.part").write_bytes(b"stale bytes")
    utils.download_url(server.url + "/f.bin", tmp_path, md5=md5(data))
    assert (tmp_path / "f.bin").read_bytes() == data


def test_redirects_are_followed_up_to_max_redirect_hops(server, tmp_path):
    data = payload(1000)
    server.files["/f.bin"] = data
    server.redirects.update({"/r1": "/r2", "/r2": "/f.bin"})
    utils.download_url(server.url + "/r1", tmp_path, "f.bin", md5=md5(data), max_redirect_hops=2)
    assert (tmp_path / "f.bin").read_bytes() == data
    with pytest.raises(OSError, match="redirect"):
        utils.download_url(server.url + "/r1", tmp_path, "g.bin", max_redirect_hops=1)
    assert not (tmp_path / "g.bin").exists()


def test_missing_url_raises_http_error(server, tmp_path):
    with pytest.raises(OSError, match="404"):
        utils.download_url(server.url + "/nothing", tmp_path)


def tar_gz(files):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_download_and_extract_tar_gz(server, tmp_path):
    archive = tar_gz({"pack/a.txt": b"alpha", "pack/sub/b.txt": b"beta"})
    server.files["/pack.tar.gz"] = archive
    utils.download_and_extract_archive(
        server.url + "/pack.tar.gz", tmp_path / "dl", tmp_path / "out", md5=md5(archive)
    )
    assert (tmp_path / "out" / "pack" / "sub" / "b.txt").read_bytes() == b"beta"
    assert (tmp_path / "dl" / "pack.tar.gz").read_bytes() == archive
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["pack"]  # no temp left


def test_extract_zip_gz_and_refuse_escaping_members(tmp_path):
    with zipfile.ZipFile(tmp_path / "z.zip", "w") as z:
        z.writestr("d/x.txt", "zip content")
    assert utils.extract_archive(tmp_path / "z.zip", tmp_path / "zout") == str(tmp_path / "zout")
    assert (tmp_path / "zout" / "d" / "x.txt").read_text() == "zip content"
    (tmp_path / "one.bin.gz").write_bytes(gzip.compress(b"once"))
    out = utils.extract_archive(tmp_path / "one.bin.gz", remove_finished=True)
    assert out == str(tmp_path / "one.bin") and Path(out).read_bytes() == b"once"
    assert not (tmp_path / "one.bin.gz").exists()
    (tmp_path / "evil.tar.gz").write_bytes(tar_gz({"../escaped.txt": b"x"}))
    with pytest.raises(tarfile.TarError):
        utils.extract_archive(tmp_path / "evil.tar.gz", tmp_path / "safe")
    assert not (tmp_path / "escaped.txt").exists()
    with pytest.raises(RuntimeError, match="Unknown compression or archive type"):
        utils.extract_archive(tmp_path / "z.rar")


def test_verify_str_arg_messages():
    assert utils.verify_str_arg("a", "mode", ("a", "b")) == "a"
    with pytest.raises(
        ValueError,
        match=r"Unknown value 'c' for argument mode. Valid values are "
        r"\{'a', 'b'\}.",
    ):
        utils.verify_str_arg("c", "mode", ("a", "b"))
    with pytest.raises(ValueError, match="Expected type str for argument mode, but got type"):
        utils.verify_str_arg(1, "mode")


@pytest.mark.skipif(not SAMPLE.is_dir(), reason="../shared/data/mnist-sample is not present")
def test_mnist_download_falls_back_to_the_next_mirror(server, tmp_path, monkeypatch, capsys):
    resources = []
    for path in sorted(SAMPLE.iterdir()):
        server.files[f"/good/{path.name}"] = path.read_bytes()
        resources.append((path.name, md5(path.read_bytes())))
    # A mirror that answers 404, one that serves a corrupted file, then a good one.
    server.files["/bad/train-images-idx3-ubyte.gz"] = b"corrupted"
    mirrors = [server.url + "/missing/", server.url + "/bad/", server.url + "/good/"]
    monkeypatch.setattr(datasets.MNIST, "mirrors", mirrors)
    monkeypatch.setattr(datasets.MNIST, "resources", resources)
    ds = datasets.MNIST(tmp_path, train=False, download=True)
    assert len(ds) == 1000
    raw = tmp_path / "MNIST" / "raw"
    assert (raw / "t10k-images-idx3-ubyte").is_file()  # extracted beside the .gz
    assert "Failed to download (trying next)" in capsys.readouterr().out
    requested = [p for p, _ in server.requests]
    assert requested.count("/missing/train-images-idx3-ubyte.gz") == 1
    assert "/good/train-images-idx3-ubyte.gz" in requested


def test_mnist_download_error_names_every_mirror(server, tmp_path, monkeypatch):
    mirrors = [server.url + "/a/", server.url + "/b/"]
    monkeypatch.setattr(datasets.MNIST, "mirrors", mirrors)
    with pytest.raises(RuntimeError, match="Error downloading train-images-idx3-ubyte.gz") as info:
        datasets.MNIST(tmp_path, download=True)
    message = str(info.value)
    assert all(m + "train-images-idx3-ubyte.gz" in message for m in mirrors)


def test_cifar10_download_extracts_into_root(server, tmp_path, monkeypatch):
    rng = np.random.default_rng(3)
    names = ["data_batch_1", "test_batch", "batches.meta"]
    blobs = {
        "data_batch_1": {"data": rng.integers(0, 256, (2, 3072), dtype=np.uint8), "labels": [4, 1]},
        "test_batch": {"data": rng.integers(0, 256, (1, 3072), dtype=np.uint8), "labels": [7]},
        "batches.meta": {"label_names": [f"c{i}" for i in range(10)]},
    }
    files = {f"cifar-10-batches-py/{n}": pickle.dumps(blobs[n], protocol=2) for n in names}
    archive = tar_gz(files)
    server.files["/cifar-10-python.tar.gz"] = archive
    md5s = {n: md5(files[f"cifar-10-batches-py/{n}"]) for n in names}
    cls = datasets.CIFAR10
    monkeypatch.setattr(cls, "url", server.url + "/cifar-10-python.tar.gz")
    monkeypatch.setattr(cls, "tgz_md5", md5(archive))
    monkeypatch.setattr(cls, "train_list", [["data_batch_1", md5s["data_batch_1"]]])
    monkeypatch.setattr(cls, "test_list", [["test_batch", md5s["test_batch"]]])
    monkeypatch.setattr(cls, "meta", dict(cls.meta, md5=md5s["batches.meta"]))
    ds = cls(tmp_path, train=True, download=True)
    assert ds.targets == [4, 1] and ds.classes[3] == "c3"
    assert (tmp_path / "cifar-10-python.tar.gz").read_bytes() == archive
    cls(tmp_path, train=False, download=True)  # verified files: nothing fetched again
    assert len(server.requests) == 1
