"""demos._figures.FigureProcess: figures drawn in a worker process, or here when there is none."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from demos import _figures
from demos._figures import FigureProcess


def _write_pid(path: Path) -> list[Path]:
    """A stand-in for a demo's figures: writes the pid of the process that ran it."""
    path.write_text(str(os.getpid()), encoding="utf-8")
    return [path]


_PREPARED: list[int] = []


def _prepare() -> None:
    """A stand-in for a demo's drafts: remembers, in the process that ran it, that it ran."""
    _PREPARED.append(os.getpid())


def _write_prepared(path: Path) -> list[Path]:
    path.write_text(repr(_PREPARED), encoding="utf-8")
    return [path]


def _fail(message: str) -> list[Path]:
    raise ValueError(message)


def test_draws_in_a_worker_process_and_prints_each_file_in_order(tmp_path, capsys):
    with FigureProcess(_prepare) as figures:
        figures.draw(_write_pid, tmp_path / "a.txt")
        figures.draw(_write_pid, tmp_path / "b.txt")
        paths = figures.wait()
    assert paths == [tmp_path / "a.txt", tmp_path / "b.txt"]
    pids = {int(p.read_text(encoding="utf-8")) for p in paths}
    assert len(pids) == 1 and os.getpid() not in pids, "drawn in one worker, not in this process"
    assert capsys.readouterr().out.splitlines() == [f"wrote {tmp_path / 'a.txt'}", f"wrote {tmp_path / 'b.txt'}"]


def test_the_worker_runs_prepare_before_the_drawings(tmp_path):
    with FigureProcess(_prepare) as figures:
        figures.draw(_write_prepared, tmp_path / "a.txt")
        (path,) = figures.wait()
    prepared = eval(path.read_text(encoding="utf-8"))  # noqa: S307  (a list of ints this test wrote)
    assert len(prepared) == 1 and prepared[0] != os.getpid(), "prepared once, in the worker that drew"
    assert _PREPARED == [], "not in this process"


def test_an_error_while_drawing_is_raised_by_wait():
    with FigureProcess(_prepare) as figures:
        figures.draw(_fail, "no axes")
        with pytest.raises(ValueError, match="no axes"):
            figures.wait()


def test_without_processes_the_figures_are_drawn_here_without_prepare(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("no processes in this sandbox")

    monkeypatch.setattr(_figures, "ProcessPoolExecutor", refuse)
    with FigureProcess(_prepare) as figures:
        figures.draw(_write_pid, tmp_path / "a.txt")
        figures.draw(_write_prepared, tmp_path / "b.txt")
        assert figures.wait() == [tmp_path / "a.txt", tmp_path / "b.txt"]
    assert int((tmp_path / "a.txt").read_text(encoding="utf-8")) == os.getpid()
    assert (tmp_path / "b.txt").read_text(encoding="utf-8") == "[]", "prepare did not run: the drawing did without it"


class _DyingPool:
    """A pool whose worker starts, then dies (as when it cannot import the demo's ``__main__``):
    the next ``submit`` raises, or the drawing's future does (``when``)."""

    when = "submit"

    def __init__(self, *args, **kwargs):
        self.started = False

    def submit(self, fn, *args):
        died: Future[None] = Future()
        died.set_exception(BrokenProcessPool("the worker died"))
        if not self.started:  # prepare
            self.started = True
            return died
        if self.when == "submit":
            raise BrokenProcessPool("the worker died")
        return died

    def shutdown(self):
        pass


@pytest.mark.parametrize("when", ["submit", "result"])
def test_a_worker_that_died_leaves_the_drawing_to_this_process(tmp_path, monkeypatch, when):
    monkeypatch.setattr(_DyingPool, "when", when)
    monkeypatch.setattr(_figures, "ProcessPoolExecutor", _DyingPool)
    with FigureProcess(_prepare) as figures:
        figures.draw(_write_pid, tmp_path / "a.txt")
        figures.draw(_write_pid, tmp_path / "b.txt")
        assert figures.wait() == [tmp_path / "a.txt", tmp_path / "b.txt"]
    assert int((tmp_path / "b.txt").read_text(encoding="utf-8")) == os.getpid()


def test_the_worker_is_forked_only_on_linux_from_a_single_thread(monkeypatch):
    import threading

    monkeypatch.setattr(_figures.sys, "platform", "linux")
    monkeypatch.setattr(_figures.threading, "active_count", lambda: 1)
    assert _figures.start_method() == "fork"
    monkeypatch.setattr(_figures.sys, "platform", "darwin")
    assert _figures.start_method() == "spawn"
    monkeypatch.setattr(_figures.sys, "platform", "linux")
    monkeypatch.undo()
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert _figures.start_method() == "spawn", "another thread runs: its locks must not be copied"
    finally:
        stop.set()
        other.join()


@pytest.mark.skipif(sys.platform != "linux", reason="the worker is forked on Linux only")
def test_a_forked_worker_draws_and_leaves_what_was_printed_printed_once(tmp_path):
    script = tmp_path / "demo.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import os, sys
            sys.path.insert(0, {str(Path(__file__).resolve().parents[2])!r})
            from demos import _figures
            from demos._figures import FigureProcess

            def prepare():
                pass

            def write_pid(path):
                from pathlib import Path
                Path(path).write_text(str(os.getpid()))
                return [Path(path)]

            if __name__ == "__main__":
                print("printed before the worker", end=" ")  # still in the buffer: stdout is a pipe
                assert _figures.start_method() == "fork"
                figures = FigureProcess(prepare)
                figures.draw(write_pid, {str(tmp_path / "pid.txt")!r})
                figures.wait()
                figures._pool.shutdown()  # a worker leaving normally flushes its stdout: nothing left to copy
                print("pid", os.getpid())
            """
        ),
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("printed before the worker") == 1, done.stdout
    worker = int((tmp_path / "pid.txt").read_text(encoding="utf-8"))
    assert f"pid {worker}" not in done.stdout and "pid " in done.stdout, "drawn in another process"
