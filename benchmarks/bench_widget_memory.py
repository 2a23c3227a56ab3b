"""Memory of every explorer: growth over 300 control moves, and over 20 re-runs of its cell in a
real kernel, with and without the cell id a front end may send.

    python benchmarks/bench_widget_memory.py     (also part of `make bench`)
    python benchmarks/bench_widget_memory.py --reruns-only

Resident memory (RSS, after gc and malloc_trim) is what the machine gives the kernel: it also
counts the pixels matplotlib and the PNG encoder hold outside Python's allocator. Each explorer
is driven round-robin over every control's whole range. "Fill" is the first 300 moves (bounded
caches fill up: at most 12 backgrounds of one figure, 32 timings); "more" is 300 moves after
that, which must not grow. A re-run is the notebooks' own cell (`tensor_explorer()`, its value
shown and kept in IPython's output history) executed again in a kernel started with
jupyter_client, as JupyterLab sends it (the cell id in the request's metadata) and as a front
end that sends no cell id: the first must close what the cell made before, the second must stay
bounded all the same (only the explorers used last keep a figure).
"""

from __future__ import annotations

import ctypes
import gc
import inspect
import sys
import uuid
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from utils import widgets

MOVES, RERUNS = 300, 20
BOUNDS_MIB = {"fill": 64.0, "more": 8.0, "re-runs, cell id": 30.0,
              "re-runs, no cell id": 30.0}  # growth allowed, per explorer
RSS_IN_KERNEL = ("import gc, ctypes, psutil; gc.collect(); ctypes.CDLL('libc.so.6').malloc_trim(0)"
                 "; print(psutil.Process().memory_info().rss)")


class Kernel:
    """A real IPython kernel (jupyter_client), sent execute requests as a notebook front end
    sends them: with the cell's id in the metadata (JupyterLab, Notebook 7) or without."""

    def __enter__(self):
        from jupyter_client import KernelManager

        self.manager = KernelManager(kernel_name="python3")
        self.manager.kernel_spec.argv[0] = sys.executable  # this Python, whatever is installed
        self.manager.start_kernel(cwd=str(Path(__file__).resolve().parent.parent))
        self.client = self.manager.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=60)
        return self

    def __exit__(self, *exc):
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)

    def run(self, code: str, cell_id: str | None = None, timeout: float = 120) -> str:
        """Execute `code` (stored in the history, its value in Out); return what it printed."""
        client = self.client
        content = {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                   "allow_stdin": False, "stop_on_error": True}
        request = client.session.msg("execute_request", content,
                                     metadata={"cellId": cell_id} if cell_id else {})
        client.shell_channel.send(request)
        printed = []
        while True:
            message = client.get_iopub_msg(timeout=timeout)
            if message["parent_header"].get("msg_id") != request["header"]["msg_id"]:
                continue
            kind, body = message["msg_type"], message["content"]
            if kind == "stream":
                printed.append(body["text"])
            elif kind == "error":
                raise RuntimeError(f"{code!r} raised in the kernel:\n" + "\n".join(
                    body["traceback"]))
            elif kind == "status" and body["execution_state"] == "idle":
                return "".join(printed)

    def resident_mib(self) -> float:
        return int(self.run(RSS_IN_KERNEL, "measure")) / 2**20


def rerun_growth(kernel: Kernel, code: str, with_cell_id: bool, reruns: int = RERUNS) -> float:
    """MiB the kernel grows over `reruns` re-runs of one cell (after two to warm up)."""
    cell = str(uuid.uuid4()) if with_cell_id else None
    for _ in range(2):
        kernel.run(code, cell)
    before = kernel.resident_mib()
    for _ in range(reruns):
        kernel.run(code, cell)
    return kernel.resident_mib() - before


def resident_mib() -> float:
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)  # hand freed pages back, so RSS means "in use"
    except OSError:
        pass
    return psutil.Process().memory_info().rss / 2**20


def moves(explorer, count: int):
    """(control, value) pairs: each control in turn, each over its whole range, round-robin."""
    ranges = {name: widgets.values_to_try(control, most=12)
              for name, control in explorer.controls.items()}
    made, k = 0, 0
    while made < count:
        for name, values in ranges.items():
            yield explorer.controls[name], values[k % len(values)]
            made += 1
            if made == count:
                return
        k += 1


def measure_moves(name: str) -> dict:
    explorer = getattr(widgets, name)()
    start = resident_mib()
    for control, value in moves(explorer, MOVES):
        control.value = value
    filled = resident_mib()
    for control, value in moves(explorer, MOVES):
        control.value = value
    more = resident_mib()
    explorer.close()
    return {"fill": filled - start, "more": more - filled}


def measure_reruns(name: str) -> dict:
    with Kernel() as kernel:
        kernel.run(f"from utils.widgets import {name}", "imports")
        return {f"re-runs, {kind}": rerun_growth(kernel, f"{name}()", kind == "cell id")
                for kind in ("cell id", "no cell id")}


def main() -> int:
    names = sorted(n for n, f in inspect.getmembers(widgets, inspect.isfunction)
                   if n.endswith("_explorer"))
    reruns_only = "--reruns-only" in sys.argv
    print(f"{'explorer':<24}{'first ' + str(MOVES) + ' moves':>18}{'next ' + str(MOVES):>14}"
          f"{str(RERUNS) + ' re-runs, cell id':>26}{'no cell id':>14}")
    failed = []
    for name in names:
        row = {"fill": float("nan"), "more": float("nan")}
        if not reruns_only:
            row.update(measure_moves(name))
        row.update(measure_reruns(name))
        print(f"{name:<24}{row['fill']:>14.1f} MiB{row['more']:>10.1f} MiB"
              f"{row['re-runs, cell id']:>22.1f} MiB{row['re-runs, no cell id']:>10.1f} MiB",
              flush=True)
        failed += [f"{name} {key}" for key, bound in BOUNDS_MIB.items() if row[key] > bound]
    bounds = ", ".join(f"{key} <= {bound:g} MiB" for key, bound in BOUNDS_MIB.items())
    print(f"\nbounds per explorer: {bounds}: "
          f"{'met by all' if not failed else 'MISSED: ' + '; '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
