"""Writing the course's files (utils/files.py): never half a file, never a lost write, never a
FIFO opened, never an unreadable file overwritten."""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import stat
import time

import pytest

from utils import files


def _with_file_size_limit(path, text, limit, queue):
    """In a child: write `text` with the file-size limit at `limit` bytes (a full disk)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an error, not a killed process
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    try:
        files.write_atomic(path, text)
        queue.put("written")
    except OSError as error:
        queue.put(type(error).__name__)


def test_a_write_that_fails_midway_leaves_the_old_file_whole(tmp_path):
    path = tmp_path / "progress.json"
    path.write_text("old and whole")
    queue = multiprocessing.get_context("fork").Queue()
    child = multiprocessing.get_context("fork").Process(
        target=_with_file_size_limit, args=(path, "x" * 200_000, 65_536, queue))
    child.start()
    child.join(20)
    assert queue.get(timeout=5) != "written"
    assert path.read_text() == "old and whole"
    assert [p.name for p in tmp_path.iterdir()] == ["progress.json"], "a temporary was left"


def test_permissions_and_symlinks_survive_a_rewrite(tmp_path):
    target = tmp_path / "real.json"
    target.write_text("1")
    os.chmod(target, 0o640)
    link = tmp_path / "link.json"
    link.symlink_to(target)
    files.write_atomic(link, "2")
    assert link.is_symlink() and target.read_text() == "2"
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o640


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_something_other_than_a_regular_file_is_refused_at_once(tmp_path, kind):
    path = tmp_path / "progress.json"
    os.mkfifo(path) if kind == "fifo" else path.mkdir()
    started = time.monotonic()
    with pytest.raises(files.NotARegularFile, match=str(path)):
        files.read_text(path)
    with pytest.raises(files.NotARegularFile):
        files.write_atomic(path, "x")
    assert time.monotonic() - started < 1, "opening a FIFO blocks: it must not be opened"
    assert (stat.S_ISFIFO if kind == "fifo" else stat.S_ISDIR)(os.stat(path).st_mode)


def _count_up(path, times):
    for _ in range(times):
        with files.locked(path):
            value = int(files.read_text(path) or "0")
            files.write_atomic(path, str(value + 1))


def test_two_processes_under_the_lock_lose_no_write(tmp_path):
    path = tmp_path / "counter"
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_count_up, args=(path, 150)) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert path.read_text() == "300"


def test_moving_aside_keeps_the_bytes_under_a_new_name_each_time(tmp_path):
    path = tmp_path / "progress.json"
    names = set()
    for content in (b"{broken", b"\x00\xff"):
        path.write_bytes(content)
        aside = files.move_aside(path)
        assert aside.read_bytes() == content and not path.exists()
        names.add(aside.name)
    assert len(names) == 2 and all(n.startswith("progress.json.unreadable-") for n in names)
