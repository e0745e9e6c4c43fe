"""Atomic file writes: a reader sees the old file or the new one, never half of either."""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path

__all__ = ["atomic_write", "atomic_write_text"]


def _create_temporary(directory: Path, name: str) -> str:
    """A new empty file beside the target, created with mode 0o666 minus the user's umask
    (the kernel applies the umask, as for any new file; no process-wide ``os.umask`` call)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        tmp = str(directory / f".{name}.{secrets.token_hex(6)}.tmp")
        try:
            os.close(os.open(tmp, flags, 0o666))
        except FileExistsError:
            continue
        return tmp
    raise FileExistsError(f"atomic_write: could not create a temporary file in {str(directory)!r}")


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


_KINDS = {
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFIFO: "a FIFO",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a directory",
}


def atomic_write(path: str | os.PathLike[str], write: Callable[[str], None], owner: str = "atomic_write") -> Path:
    """Call ``write(tmp)`` on a temporary file beside the target, sync it, then ``os.replace``.

    The target is ``path``, or, when ``path`` is a symbolic link, the file it points to: the
    link stays and the new contents replace its target, still atomically. Only a regular file
    is ever replaced: a device, FIFO, socket or directory there (directly or through links) is
    a ``ValueError`` naming ``owner`` and ``path``, and nothing is written. A new file gets the
    user's umask (0o666 minus umask, like ``open(path, "w")``); a replaced file keeps its
    permissions. On any error the temporary file is removed and the target is left as it was;
    an ``OSError`` names ``path`` (not the temporary file). Returns ``Path(path)``.
    """
    given = Path(path)
    try:
        os.fsencode(given)
    except UnicodeEncodeError as error:
        raise ValueError(f"{owner}: {str(given)!r} cannot be a file name here ({error.reason})") from None
    target = Path(os.path.realpath(given)) if given.is_symlink() else given
    try:
        try:
            info = os.stat(target)
        except FileNotFoundError:
            mode: int | None = None
        else:
            kind = _KINDS.get(stat.S_IFMT(info.st_mode))
            if kind is not None or not stat.S_ISREG(info.st_mode):
                via = f" (through the link to {str(target)!r})" if target != given else ""
                raise ValueError(
                    f"{owner}: {str(given)!r} is {kind or 'not a regular file'}{via}; "
                    "only a regular file is written, nothing was changed"
                )
            mode = info.st_mode & 0o777
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = _create_temporary(target.parent, target.name)
    except OSError as error:
        raise _naming(error, owner, given) from None
    try:
        write(tmp)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException as error:
        if os.path.lexists(tmp):
            os.unlink(tmp)
        if isinstance(error, OSError):
            raise _naming(error, owner, given) from None
        raise
    _fsync_directory(target.parent)
    return given


def _naming(error: OSError, owner: str, path: Path) -> OSError:
    """``error`` again (same type and errno), naming the caller and the user's path."""
    reason = error.strerror or str(error)
    return type(error)(error.errno, f"{owner}: cannot write {str(path)!r}: {reason}")


def atomic_write_text(path: str | os.PathLike[str], text: str, owner: str = "atomic_write_text") -> Path:
    """Write ``text`` as UTF-8 to ``path`` atomically (see :func:`atomic_write`)."""

    def write(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)

    return atomic_write(path, write, owner)
