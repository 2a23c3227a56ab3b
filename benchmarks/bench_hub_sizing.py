"""How many students a hub machine holds: N kernels run 04 at once, as a class does.

    python benchmarks/bench_hub_sizing.py               # N = 20 students
    python benchmarks/bench_hub_sizing.py --students 5  # a smaller class, a quicker run

Each student's kernel (jupyter_client, cwd notebooks/) runs every code cell of 04-efficient-vjp
from the top, all N at once. Meanwhile one more kernel, warmed up, asks a checker for a verdict
every half second: the wait a student sees while the class works. Per student it reports the
kernel's peak resident memory (VmHWM) plus one single-user server's (`jupyter lab`, measured
after it served the Lab page and relayed a run of 04), the CPU seconds 04 takes, and from them
what a machine of --machine-gib GiB with --cores cores serves. Targets (exit 1 if one is missed):

  peak per student (kernel + server)  <= the hub's mem_limit (deploy/jupyterhub_config.py)
  a checker's answer under load       median <= 2 s, slowest <= 10 s
  students a 24 GiB machine holds     >= 50, each with 04 open (memory, after --reserve-gib)
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import nbformat
from jupyter_client import KernelManager

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
PROBE_SETUP = ("from utils.checks import check_lecture_grad_A\n"
               "def answer(dL_dC, A, B):\n    return dL_dC @ B.T\n")
PROBE = "check_lecture_grad_A(answer)"
MEDIAN_WAIT, SLOWEST_WAIT, CLASS_AT_LEAST = 2.0, 10.0, 50
GIB = 1024 ** 3


def hub_mem_limit() -> int:
    """Bytes: the mem_limit the one-machine hub sets (deploy/jupyterhub_config.py)."""
    text = (ROOT / "deploy" / "jupyterhub_config.py").read_text()
    number, unit = re.search(r'mem_limit = "(\d+)([KMG])"', text).groups()
    return int(number) * 1024 ** "KMG".index(unit) * 1024


def proc_status(pid: int, field: str) -> int:
    """A /proc/<pid>/status field in bytes (VmHWM: the peak resident set; VmRSS: now)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise ValueError(f"no {field} for process {pid}")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_kernel() -> tuple[KernelManager, object]:
    env = {**os.environ, "COURSE_PROGRESS_FILE": "off"}  # never write the worktree's progress
    manager = KernelManager(kernel_name="python3")
    manager.start_kernel(cwd=str(NOTEBOOKS), env=env)
    client = manager.client()
    client.start_channels()
    client.wait_for_ready(timeout=300)
    return manager, client


def run(client, code: str, timeout: float = 900) -> None:
    reply = client.execute_interactive(code, timeout=timeout, output_hook=lambda message: None)
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"a cell failed: {reply['content'].get('ename')}: "
                           f"{reply['content'].get('evalue')}\n{code[:200]}")


def server_peak(cells: list[str], notebook: str) -> int:
    """Peak bytes of one student's server (`jupyter lab`): it served the Lab page, then relayed
    every output of `notebook` run through it, as a student's server does."""
    sys.path.insert(0, str(ROOT / "deploy"))
    from local_hub import free_port, run_cells

    port = free_port()
    env = {**os.environ, "COURSE_PROGRESS_FILE": "off"}
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1",
               f"--port={port}", "--IdentityProvider.token=sizing", f"--notebook-dir={NOTEBOOKS}"]
    if os.getuid() == 0:
        command.append("--allow-root")
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                for path in ("/lab", "/api/contents", "/api/kernelspecs", "/lab/api/settings"):
                    urllib.request.urlopen(f"{url}{path}?token=sizing", timeout=30).read()
                break
            except OSError:
                time.sleep(0.5)
        else:
            raise TimeoutError("jupyter lab did not answer within 2 minutes")
        run_cells(url, "sizing", notebook, cells, timeout=900)
        return proc_status(server.pid, "VmHWM")
    finally:
        server.terminate()
        server.wait(timeout=60)


def capacity(per_student: int, machine_gib: float, reserve_gib: float) -> int:
    """Students whose peaks fit together in the machine's memory, after the reserve."""
    if per_student <= 0:
        raise ValueError(f"per_student must be a positive number of bytes; got {per_student}")
    return max(0, int((machine_gib - reserve_gib) * GIB // per_student))


def verdicts(per_student: int, limit: int, waits: list[float], serves: int) -> list[str]:
    """The targets missed (empty when all are met)."""
    missed = []
    if per_student > limit:
        missed.append(f"peak per student {per_student / GIB:.2f} GiB > mem_limit "
                      f"{limit / GIB:.2f} GiB")
    if not waits:
        missed.append("no checker answered while the class worked")
    elif statistics.median(waits) > MEDIAN_WAIT or max(waits) > SLOWEST_WAIT:
        missed.append(f"checker waits median {statistics.median(waits):.1f} s (target "
                      f"<= {MEDIAN_WAIT}), slowest {max(waits):.1f} s (<= {SLOWEST_WAIT})")
    if serves < CLASS_AT_LEAST:
        missed.append(f"the machine holds {serves} students < {CLASS_AT_LEAST}")
    return missed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=20)
    parser.add_argument("--notebook", default="04-efficient-vjp.ipynb")
    parser.add_argument("--machine-gib", type=float, default=24.0)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--reserve-gib", type=float, default=2.0,
                        help="memory kept for the system, the hub and the proxy")
    args = parser.parse_args(argv)
    if args.students < 1:
        parser.error(f"--students must be at least 1; got {args.students}")
    notebook = nbformat.read(NOTEBOOKS / args.notebook, as_version=4)
    cells = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    print(f"load before: {os.getloadavg()[0]:.1f} (1-min average) on {os.cpu_count()} cores")

    server = server_peak(cells, args.notebook)
    probe_manager, probe = start_kernel()
    run(probe, PROBE_SETUP)
    idle_waits = []
    for _ in range(5):
        started = time.perf_counter()
        run(probe, PROBE)
        idle_waits.append(time.perf_counter() - started)

    kernels = [start_kernel() for _ in range(args.students)]
    pids = [manager.provisioner.process.pid for manager, _ in kernels]
    cpu_before = [cpu_seconds(pid) for pid in pids]
    errors: list[str] = []

    def student(client):
        try:
            for code in cells:
                run(client, code)
        except Exception as error:  # noqa: BLE001  reported, and fails the run below
            errors.append(str(error))

    started = time.perf_counter()
    threads = [threading.Thread(target=student, args=(client,)) for _, client in kernels]
    for thread in threads:
        thread.start()
    waits = []
    while any(thread.is_alive() for thread in threads):
        asked = time.perf_counter()
        run(probe, PROBE)
        waits.append(time.perf_counter() - asked)
        time.sleep(0.5)
    wall = time.perf_counter() - started
    peaks = [proc_status(pid, "VmHWM") for pid in pids]
    cpu = [cpu_seconds(pid) - before for pid, before in zip(pids, cpu_before, strict=True)]
    load = os.getloadavg()[0]
    for manager, client in [*kernels, (probe_manager, probe)]:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    if errors:
        print("\n".join(errors[:3]), file=sys.stderr)
        return 1

    per_student = max(peaks) + server
    serves = capacity(per_student, args.machine_gib, args.reserve_gib)
    limit = hub_mem_limit()
    mib = 1024 ** 2
    rows = [
        ("students (kernels running 04 at once)", f"{args.students}"),
        ("kernel peak RSS: median / max", f"{statistics.median(peaks) / mib:.0f} / "
                                          f"{max(peaks) / mib:.0f} MiB"),
        ("single-user server peak RSS", f"{server / mib:.0f} MiB"),
        ("peak per student (max kernel + server)", f"{per_student / mib:.0f} MiB"),
        ("hub mem_limit (deploy/jupyterhub_config.py)", f"{limit / mib:.0f} MiB"),
        ("CPU to run 04 once: median", f"{statistics.median(cpu):.1f} s"),
        ("wall time, all at once", f"{wall:.0f} s"),
        ("checker answer, idle: median", f"{statistics.median(idle_waits):.2f} s"),
        ("checker answer under load: median / max",
         f"{statistics.median(waits):.2f} / {max(waits):.2f} s ({len(waits)} asked)"),
        (f"{args.machine_gib:g} GiB machine holds (memory, {args.reserve_gib:g} GiB reserved)",
         f"{serves} students with 04 open"),
        (f"{serves} students run 04 at once on {args.cores} cores",
         f"about {serves * statistics.median(cpu) / args.cores / 60:.0f} min of CPU"),
        ("load average (1 min) at the end", f"{load:.1f}"),
    ]
    width = max(len(name) for name, _ in rows)
    print("\n".join(f"{name:<{width}}  {value}" for name, value in rows))
    missed = verdicts(per_student, limit, waits, serves)
    print("\n".join(f"MISSED: {line}" for line in missed) or "every target met")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
