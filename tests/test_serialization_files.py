"""ember.save to a path: the atomic write keeps what a plain overwrite keeps; ember.load reads
every pickle protocol torch.save writes."""

import io
import os
import pickle
import stat
import threading

import numpy as np
import pytest
import torch

import ember

posix_only = pytest.mark.skipif(
    os.name != "posix", reason="permission bits, symlinks and flock are POSIX features"
)


def _temp_file(path):
    """A temporary file of a save of ``path``, named as ember.save names them
    (``<name>.<12 hex digits>.ember-tmp``): held (flock) while a save is live, released when
    the save's process dies. Returns (its path, its open descriptor)."""
    import fcntl

    temp = f"{path}.{os.urandom(6).hex()}.ember-tmp"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return temp, fd


def _mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


@posix_only
@pytest.mark.parametrize("mode", [0o600, 0o640, 0o604])
def test_save_over_file_keeps_its_permission_bits(tmp_path, mode):
    path = tmp_path / "private.pth"
    ember.save({"x": ember.ones(2)}, path)
    os.chmod(path, mode)
    ember.save({"x": ember.zeros(2)}, path)
    assert _mode(path) == mode
    assert ember.load(path)["x"].tolist() == [0.0, 0.0]


@posix_only
def test_save_new_file_gets_the_mode_open_gives(tmp_path):
    old = os.umask(0o027)
    try:
        with open(tmp_path / "plain.bin", "wb"):
            pass
        ember.save({"x": ember.ones(2)}, tmp_path / "new.pth")
    finally:
        os.umask(old)
    assert _mode(tmp_path / "new.pth") == _mode(tmp_path / "plain.bin") == 0o640


@posix_only
def test_save_through_symlink_writes_its_target(tmp_path):
    (tmp_path / "runs").mkdir()
    target = tmp_path / "runs" / "epoch3.pth"
    link = tmp_path / "latest.pth"
    torch.save({"x": torch.ones(2)}, target)
    link.symlink_to(target)
    ember.save({"x": ember.full((2,), 7.0)}, link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert torch.load(target, weights_only=True)["x"].tolist() == [7.0, 7.0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["latest.pth", "runs"]
    assert [p.name for p in (tmp_path / "runs").iterdir()] == ["epoch3.pth"]


@posix_only
def test_save_removes_temp_file_of_a_killed_save(tmp_path):
    path = tmp_path / "model.pth"
    ember.save({"x": ember.ones(2)}, path)
    # A save killed midway: its temporary file holds part of a checkpoint, and its lock died
    # with the process (closing the descriptor releases a flock just as process death does).
    stale, fd = _temp_file(path)
    os.write(fd, b"PK\x03\x04 half a checkpoint")
    os.close(fd)
    other = tmp_path / "other.pth.0123456789ab.ember-tmp"  # another file's: not ours to touch
    other.write_bytes(b"")
    ember.save({"x": ember.zeros(2)}, path)
    assert not os.path.exists(stale)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.pth", other.name]


@posix_only
def test_save_keeps_temp_file_of_a_save_in_progress(tmp_path):
    path = tmp_path / "model.pth"
    live, fd = _temp_file(path)  # held (locked) as a concurrent save holds it
    try:
        ember.save({"x": ember.ones(2)}, path)
        assert os.path.exists(live)
    finally:
        os.close(fd)
    ember.save({"x": ember.ones(2)}, path)
    assert not os.path.exists(live)


@posix_only
def test_concurrent_saves_of_one_path_never_remove_each_others_temp(tmp_path):
    path = tmp_path / "shared.pth"
    errors = []

    def save_many(value):
        try:
            for _ in range(15):
                ember.save({"x": ember.full((64,), float(value))}, path)
        except Exception as e:  # collected and asserted below, in the main thread
            errors.append(e)

    threads = [threading.Thread(target=save_many, args=(v,)) for v in (1, 2, 3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert [p.name for p in tmp_path.iterdir()] == ["shared.pth"]
    assert set(ember.load(path)["x"].tolist()) in ({1.0}, {2.0}, {3.0})


def test_save_failure_leaves_old_file_and_no_temp(tmp_path):
    path = tmp_path / "a.pth"
    ember.save({"x": ember.ones(2)}, path)
    with pytest.raises(pickle.PicklingError):
        ember.save({"bad": frozenset()}, path)  # refused while pickling, after the temp exists
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pth"]
    assert ember.load(path)["x"].tolist() == [1.0, 1.0]


@pytest.mark.parametrize("name", ["missing/a.pth", "missing/deeper/a.pth"])
def test_save_to_missing_folder_names_the_folder_as_torch(tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(RuntimeError) as expected:
        torch.save({"x": torch.ones(2)}, name)
    with pytest.raises(RuntimeError) as actual:
        ember.save({"x": ember.ones(2)}, name)
    assert str(actual.value) == str(expected.value)
    with pytest.raises(RuntimeError, match="Parent directory .*missing does not exist"):
        ember.save({"x": ember.ones(2)}, tmp_path / "missing" / "a.pth")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("protocol", [2, 3, 4, 5])
def test_load_reads_every_protocol_torch_writes(protocol):
    values = np.arange(6.0, dtype=np.float32).reshape(2, 3)
    obj = {"w": torch.from_numpy(values.copy()), "step": torch.tensor(3), "names": ["a", "b"]}
    obj["w_t"] = obj["w"].t()
    buf = io.BytesIO()
    torch.save(obj, buf, pickle_protocol=protocol)
    loaded = ember.load(io.BytesIO(buf.getvalue()))
    np.testing.assert_array_equal(loaded["w"].numpy(), values)
    np.testing.assert_array_equal(loaded["w_t"].numpy(), values.T)
    assert loaded["step"].item() == 3 and loaded["names"] == ["a", "b"]


@pytest.mark.parametrize("protocol", [2, 3, 4, 5])
def test_save_writes_protocol_torch_reads(protocol):
    values = np.arange(6.0, dtype=np.float32).reshape(2, 3)
    buf = io.BytesIO()
    ember.save({"w": ember.from_numpy(values.copy())}, buf, pickle_protocol=protocol)
    loaded = torch.load(io.BytesIO(buf.getvalue()), weights_only=False)
    np.testing.assert_array_equal(loaded["w"].numpy(), values)
    assert ember.load(io.BytesIO(buf.getvalue()))["w"].tolist() == values.tolist()


def test_save_refuses_unsupported_protocol():
    with pytest.raises(ValueError, match="pickle_protocol"):
        ember.save({"x": ember.ones(1)}, io.BytesIO(), pickle_protocol=6)
