"""Tests of analysis.parallel: chunked maps equal serial ones, and workers never outlive a run."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from analysis import parallel, segment

SYNTHETIC = [
    f"Story {i}: the council condemned the budget cut of ${i} million. Critics said the plan "
    f"was a disaster for families. Officials in Washington disagreed on Jan. {i % 28 + 1}."
    for i in range(40)
]


def test_parallel_segmentation_equals_serial(monkeypatch):
    monkeypatch.setattr(parallel, "CHUNK_SIZE", 5)
    serial = segment.segment_texts(SYNTHETIC, cache=False, workers=1)
    pooled = segment.segment_texts(SYNTHETIC, cache=False, workers=2)
    pd.testing.assert_frame_equal(serial, pooled)


# --------------------------------------------------------------------------- the worker pool

SLOW_WORKER_DIR = Path(__file__).parent / "data"
#: A parent that runs map_chunks with 2 workers on 8 one-item chunks that sleep 120 s each;
#: arguments: the folder for the workers' pid files, the multiprocessing start method.
POOL_SCRIPT = """
import multiprocessing
import sys
sys.path.insert(0, {data!r})
import cache_slow_worker
from analysis import parallel
if sys.argv[2] != "default":
    multiprocessing.set_start_method(sys.argv[2])
parallel.CHUNK_SIZE = 1
try:
    parallel.map_chunks(
        cache_slow_worker.slow_chunk, [(sys.argv[1], 120.0)] * 8, workers=2, progress=False
    )
except KeyboardInterrupt:
    print("interrupted", file=sys.stderr)
    sys.exit(130)
"""


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting to be reaped by init counts as gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    except OSError:  # no /proc: ask the kernel
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    state = next((line for line in status.splitlines() if line.startswith("State:")), "")
    return "Z" not in state.split()[1:2]


def _wait_for(condition: Any, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.fixture()
def busy_pool(tmp_path, request):
    """A child Python busy in map_chunks with 2 workers: ``(process, worker pids, stderr
    file)``; whatever still runs at the end of the test is killed. Its output goes to files, not
    pipes, so workers that outlive it cannot block the test on a pipe. An indirect parameter
    names the start method (default: the platform's)."""
    method = getattr(request, "param", "default")
    if method not in ("default", *multiprocessing.get_all_start_methods()):
        pytest.skip(f"no {method!r} start method on this platform")
    pids_dir = tmp_path / "pids"
    pids_dir.mkdir()
    stderr = tmp_path / "stderr.txt"
    script = POOL_SCRIPT.format(data=str(SLOW_WORKER_DIR))
    with stderr.open("w") as err:
        process = subprocess.Popen(
            [sys.executable, "-c", script, str(pids_dir), method],
            cwd=Path(__file__).parents[1],
            stdout=subprocess.DEVNULL,
            stderr=err,
            start_new_session=True,  # its own process group, as a terminal job would be
        )
    workers: list[int] = []
    try:
        started = _wait_for(lambda: len(list(pids_dir.iterdir())) >= 2, timeout=120)
        workers = [int(p.name.removeprefix("pid-")) for p in pids_dir.iterdir()]
        assert started, f"workers did not start: {stderr.read_text()}"
        yield process, workers, stderr
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for pid in workers:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("busy_pool", ["fork", "spawn", "forkserver"], indirect=True)
def test_workers_end_when_the_parent_is_killed(busy_pool):
    process, workers, _stderr = busy_pool
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    assert _wait_for(lambda: not any(_alive(pid) for pid in workers), timeout=5)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_sigterm_to_the_parent_shuts_the_pool_down(busy_pool):
    process, workers, stderr = busy_pool
    os.kill(process.pid, signal.SIGTERM)
    assert process.wait(timeout=15) != 0
    assert _wait_for(lambda: not any(_alive(pid) for pid in workers), timeout=5)
    err = stderr.read_text()
    assert "Traceback" not in err and len(err.splitlines()) <= 1, err


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_shuts_the_pool_down_without_worker_tracebacks(busy_pool):
    process, workers, stderr = busy_pool
    os.killpg(process.pid, signal.SIGINT)  # a terminal sends Ctrl-C to the whole group
    assert process.wait(timeout=15) == 130
    assert _wait_for(lambda: not any(_alive(pid) for pid in workers), timeout=5)
    assert stderr.read_text().strip() == "interrupted", stderr.read_text()


def test_a_failing_chunk_stops_the_pool_without_waiting_for_the_rest(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(SLOW_WORKER_DIR))
    import cache_slow_worker

    monkeypatch.setattr(parallel, "CHUNK_SIZE", 1)
    items = [(str(tmp_path), -1.0), (str(tmp_path), 120.0), (str(tmp_path), 120.0)]
    started = time.monotonic()
    with pytest.raises(ValueError, match="on purpose"):
        parallel.map_chunks(cache_slow_worker.fail_fast_chunk, items, workers=2, progress=False)
    assert time.monotonic() - started < 30
    workers = [int(p.name.removeprefix("pid-")) for p in tmp_path.glob("pid-*")]
    assert _wait_for(lambda: not any(_alive(pid) for pid in workers), timeout=5)


def test_map_chunks_restores_the_sigterm_handler(monkeypatch):
    monkeypatch.setattr(parallel, "CHUNK_SIZE", 5)
    before = signal.getsignal(signal.SIGTERM)
    result = segment.segment_texts(SYNTHETIC, cache=False, workers=2)
    assert len(result) and signal.getsignal(signal.SIGTERM) == before
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
