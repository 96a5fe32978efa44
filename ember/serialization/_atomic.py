"""Writing a file atomically: a temporary file beside the target, renamed into place.

Note [atomic save]
A reader of the path sees the old checkpoint or the new one, never half of one. The rename
must not change what a plain overwrite (``open(path, "wb")``) would keep:

- the target's permission bits (a 0600 checkpoint stays 0600); a new file gets the mode
  ``open`` gives under the umask, because the temporary file is created with mode 0o666;
- a symlink: the link's target is written, and the link stays a link.

What the rename cannot keep: hard links to the old file (the path gets a new inode), and its
owner and group (the new file is the saver's), as with any atomic save.

A save killed midway (SIGKILL, power loss) leaves its temporary file behind. Temporary names
are ``<name>.<random>.ember-tmp``; the writer holds an exclusive ``flock`` on its temporary
file for its whole life, so a later save of the same path removes every such file that no live
writer holds. Without ``fcntl`` (Windows) a file still open by its writer cannot be deleted,
which gives the same answer.
"""

import os
import re
import secrets
import stat

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

__all__ = ["write_atomically"]

_SUFFIX = ".ember-tmp"


def _temp_pattern(name):
    return re.compile(re.escape(name) + r"\.[0-9a-f]{12}" + re.escape(_SUFFIX))


def _check_folder(path, target):
    parent = os.path.dirname(path)
    if parent and not os.path.isdir(parent):
        raise RuntimeError(f"Parent directory {parent} does not exist.")
    folder = os.path.dirname(target)
    if not os.path.isdir(folder):  # a dangling symlink into a missing folder
        raise RuntimeError(f"Parent directory {folder} does not exist.")


def _open_locked_temp(target):
    """A new temporary file beside ``target``, created with mode 0o666 (less the umask, as
    ``open(path, "wb")``) and locked before anyone may take it for stale."""
    while True:
        name = f"{target}.{secrets.token_hex(6)}{_SUFFIX}"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        fd = os.open(name, flags, 0o666)
        if fcntl is None:
            return name, fd
        fcntl.flock(fd, fcntl.LOCK_EX)
        # Between open and flock a cleaner may have locked and deleted the new file; once we
        # hold the lock and the name still leads to our file, no cleaner can take it.
        try:
            if os.stat(name).st_ino == os.fstat(fd).st_ino:
                return name, fd
        except FileNotFoundError:
            pass
        os.close(fd)


def _create_temp(target):
    """Open a new temporary file beside ``target`` with the mode a plain overwrite keeps."""
    name, fd = _open_locked_temp(target)
    try:
        try:
            st = os.stat(target)
        except FileNotFoundError:
            return name, fd  # a new file keeps the umask's mode
        if hasattr(os, "fchmod"):
            os.fchmod(fd, stat.S_IMODE(st.st_mode))
        else:
            os.chmod(name, stat.S_IMODE(st.st_mode))
    except BaseException:
        os.close(fd)
        os.remove(name)
        raise
    return name, fd


def _remove_stale_temps(target):
    """Delete temporary files of ``target`` left by saves that died midway."""
    folder, name = os.path.split(target)
    pattern = _temp_pattern(name)
    with os.scandir(folder) as entries:
        stale = [e.path for e in entries if e.name.startswith(name) and pattern.fullmatch(e.name)]
    for path in stale:
        if fcntl is None:
            _remove_unless_busy(path)  # Windows refuses to delete a file its writer holds open
            continue
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            continue  # gone already (another save cleaned it) or not ours to open
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # a live save holds the lock: leave its file
        else:
            _remove_unless_busy(path)
        finally:
            os.close(fd)


def _remove_unless_busy(path):
    try:
        os.remove(path)
    except (FileNotFoundError, PermissionError):
        pass  # removed by another save meanwhile, or held open by a live one (Windows)


def _sync_folder(folder):
    # Makes the rename itself durable; directories cannot be opened this way on Windows.
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(path, write):
    """Call ``write(file)`` on a temporary file and rename it onto ``path`` (see Note [atomic
    save]); on any error the temporary file is removed and ``path`` is untouched."""
    path = os.fspath(path)
    target = os.path.realpath(path)
    _check_folder(path, target)
    tmp, fd = _create_temp(target)
    try:
        with os.fdopen(fd, "wb", closefd=False) as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        if fcntl is None:  # Windows renames only closed files
            os.close(fd)
            fd = None
        os.replace(tmp, target)
    except BaseException:
        if fd is not None:
            os.close(fd)
            fd = None
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    finally:
        if fd is not None:
            os.close(fd)  # after the rename, so the lock covers the temporary file's whole life
    _sync_folder(os.path.dirname(target))
    _remove_stale_temps(target)
