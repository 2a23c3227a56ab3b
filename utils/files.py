"""Writing the course's own files so that nothing is ever half-written, lost or overwritten.

Whatever the course writes (the progress file, notebooks rewritten by the tools) goes to a
unique temporary file in the same folder and then replaces the old one in one step
(`os.replace`), so a reader sees the old file or the new one, never a part; where two processes
may write at once (two notebooks open, each with its own kernel) they take turns under a lock
on a file beside it. Only regular files are read or replaced: a FIFO, a device or a folder at
the path is refused with a clear error instead of blocking or being clobbered. A file that
cannot be read is moved aside under a new name, never overwritten.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import time
from pathlib import Path

try:  # POSIX: advisory locks that the kernel releases if the process dies
    import fcntl
except ImportError:  # Windows
    fcntl = None

LOCK_WAIT_SECONDS = 5.0


class NotARegularFile(OSError):
    """Something other than a regular file (a FIFO, a folder, a device) sits at the path."""


def check_regular(path: Path) -> bool:
    """True if a regular file is at `path` (a symlink is followed), False if nothing is there;
    NotARegularFile for anything else, found without opening it (opening a FIFO blocks)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return False
    if not stat.S_ISREG(mode):
        kind = ("a folder" if stat.S_ISDIR(mode) else "a FIFO (named pipe)" if stat.S_ISFIFO(mode)
                else "a device or socket")
        raise NotARegularFile(f"{path} is {kind}, not a regular file: the course neither reads "
                              "nor replaces it")
    return True


def read_text(path: Path) -> str | None:
    """The file's text, or None if there is no file; NotARegularFile for a FIFO and the like."""
    path = Path(path)
    if not check_regular(path):
        return None
    return path.read_text(encoding="utf-8")


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` through a unique temporary file and an atomic replace.

    The file keeps its permissions; a symlink at `path` keeps pointing at the file it names
    (the target is replaced). On any error the old file is untouched and no temporary is left.
    """
    path = Path(path)
    if path.is_symlink():
        path = path.resolve()
    existed = check_regular(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        if existed:
            os.chmod(temporary, stat.S_IMODE(os.stat(path).st_mode))
        else:  # mkstemp makes 0600; an ordinary new file gets the usual umask
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


@contextlib.contextmanager
def locked(path: Path, wait: float = LOCK_WAIT_SECONDS):
    """Hold an exclusive lock on `path`'s companion `<name>.lock` while the block runs.

    Waits at most `wait` seconds for another process to finish (TimeoutError after that, so a
    stuck process never freezes a check). Without fcntl (Windows) the block runs unlocked.
    """
    path = Path(path)
    if fcntl is None:
        yield
        return
    lock_path = path.with_name(path.name + ".lock")
    check_regular(lock_path)
    descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o666)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{lock_path} stayed locked for {wait:g} s by another "
                                       "process") from None
                time.sleep(0.005)
        try:
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


def move_aside(path: Path, why: str = "unreadable") -> Path:
    """Rename `path` to a new, unused name beside it (`<name>.<why>-<time>`) and return it."""
    path = Path(path)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for attempt in range(1000):
        suffix = f".{why}-{stamp}" + (f"-{attempt}" if attempt else "")
        target = path.with_name(path.name + suffix)
        if not target.exists():
            os.replace(path, target)
            return target
    raise FileExistsError(f"no free name to move {path} aside")
