"""A class on the course's hub, end to end: `make test-hub` (run by .ci/run in .venv-hub).

JupyterHub on 127.0.0.1 with the course's configuration (deploy/local_hub_config.py: the dummy
authenticator, each student's home under a temporary folder), three students who each open the
nbgitpuller link (log in, their server starts, the course is pulled from a bare clone of this
repository), an exercise cell of 04 run in a
kernel of each (right for alice, a named slip for bob, nothing for carol), then the admin's class
table. Then the instructor pushes a change to `utils` and a second pull brings it to alice's
kernels: the notebooks and the package they import stay one version.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REQUIRED = os.environ.get("COURSE_HUB_TESTS") == "1"  # make test-hub: missing pieces fail
for module in ("jupyterhub", "nbgitpuller", "jupyterhub_idle_culler"):
    if not REQUIRED:
        pytest.importorskip(module, reason="the hub's packages are in .venv-hub: make test-hub")
    __import__(module)

sys.path.insert(0, str(ROOT / "deploy"))
sys.path.insert(0, str(ROOT / "tools"))
import class_progress  # noqa: E402
import hub_links  # noqa: E402
import local_hub  # noqa: E402
from course_repo import CHECKOUT_NAME  # noqa: E402

NOTEBOOK = f"{CHECKOUT_NAME}/notebooks/04-efficient-vjp.ipynb"
EXERCISE = "04-lecture-grad-A"
STUB = "...  # your code here"
ANSWERS = {"alice": "return dL_dC @ B.T", "bob": "return dL_dC @ B"}  # bob forgets the ᵀ
SLIP = "transpose missing"  # the Mistake check_lecture_grad_A names for bob's answer


def notebook_cells(home: Path) -> tuple[list[str], str]:
    """The setup cells (up to the imports from utils) and the exercise cell, from the pulled 04."""
    cells = [("".join(cell["source"]), cell["cell_type"])
             for cell in json.loads((home / NOTEBOOK).read_text())["cells"]]
    code = [source for source, kind in cells if kind == "code"]
    imports = next(i for i, source in enumerate(code) if "from utils.checks import" in source)
    exercise = next(source for source in code if "check_lecture_grad_A(lecture_grad_A)" in source)
    assert STUB in exercise, "the exercise cell's stub line changed: update STUB"
    return code[:imports + 1], exercise


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("hub")
    with local_hub.running_hub(workdir) as running:
        yield running


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A bare clone of the repository under test (its committed HEAD), served to nbgitpuller."""
    return local_hub.bare_course_repository(tmp_path_factory.mktemp("git") / "course.git")


def test_three_students_and_the_class_table(hub, course):
    started = time.monotonic()
    culler = hub.request("GET", "/hub/api/services/idle-culler")
    assert culler["command"][1:3] == ["-m", "jupyterhub_idle_culler"] and culler["pid"] > 0
    for user in ("alice", "bob", "carol"):  # each opens the link the instructor handed out
        link = hub_links.pull_link(hub.url, "04-efficient-vjp.ipynb", repo=course)
        hub.pull(user, course, opener=hub.click(user, link))
        assert (hub.homes / user / NOTEBOOK).is_file()
    setup, exercise = notebook_cells(hub.homes / "alice")
    for user, answer in ANSWERS.items():
        where, *_, verdict = hub.run_cells(user, NOTEBOOK, [
            "import utils; print(utils.__file__)", *setup, exercise.replace(STUB, answer)])
        assert where.strip() == str(hub.homes / user / CHECKOUT_NAME / "utils" / "__init__.py")
        assert (f"✅ {EXERCISE}" in verdict) == (user == "alice"), verdict
    assert f"❌ {EXERCISE}" in verdict and "a transpose is missing" in verdict  # bob's named slip

    progress = {user: class_progress.read_progress(
        hub.homes / user / class_progress.PROGRESS_IN_HOME) for user in ("alice", "bob", "carol")}
    assert progress["alice"][EXERCISE]["verdict"] == "passed"
    assert progress["bob"][EXERCISE]["verdict"] == "failed"
    assert progress["bob"][EXERCISE]["mistake"] == SLIP  # recorded in the student's own clone
    assert progress["carol"] == {}

    png = hub.homes.parent / "class.png"
    table = subprocess.run([sys.executable, str(ROOT / "tools" / "class_progress.py"),
                            str(hub.homes), "--png", str(png)],
                           capture_output=True, text=True, check=True).stdout
    assert "Class progress: 3 student(s)" in table
    rows = [line for line in table.splitlines() if line.startswith("| 0")]
    assert f"| {EXERCISE} | 1 | 1 | 1 | {SLIP} ×1 |" in rows
    assert all(row.endswith("| 0 | 0 | 3 | — |") for row in rows if EXERCISE not in row)
    assert png.stat().st_size > 1000
    server = hub.request("GET", "/hub/api/users/alice")["servers"][""]["state"]["pid"]
    peak = next(int(line.split()[1]) for line in Path(f"/proc/{server}/status").open()
                if line.startswith("VmHWM:"))
    print(f"\nthree students pulled, ran 04's exercise and were gathered in "
          f"{time.monotonic() - started:.0f} s; alice's jupyterhub-singleuser peaked at "
          f"{peak / 1024:.0f} MiB")


def test_a_pull_brings_the_package_with_the_notebooks(hub, course, tmp_path):
    """The instructor's next commit changes utils; alice's next pull and kernel see it."""
    hub.start_server("alice")
    hub.pull("alice", course)
    probe = "import utils; print(getattr(utils, 'PULLED_WITH_THE_NOTEBOOKS', 'old'))"
    assert hub.run_cells("alice", NOTEBOOK, [probe]) == ["old\n"]

    work = tmp_path / "instructor"
    git = ["git", "-c", "user.name=Instructor", "-c", "user.email=i@example.edu"]
    subprocess.run(["git", "clone", "--quiet", course, str(work)], check=True)
    with open(work / "utils" / "__init__.py", "a") as init:
        init.write("\nPULLED_WITH_THE_NOTEBOOKS = 'new'\n")
    subprocess.run([*git, "commit", "--quiet", "-am", "a fix to utils"], cwd=work, check=True)
    subprocess.run(["git", "push", "--quiet"], cwd=work, check=True)

    hub.pull("alice", course)
    assert hub.run_cells("alice", NOTEBOOK, [probe]) == ["new\n"]
    assert "PULLED_WITH_THE_NOTEBOOKS" not in (ROOT / "utils" / "__init__.py").read_text()


@pytest.mark.parametrize("config_file", ["jupyterhub_config.py", "local_hub_config.py"])
def test_every_setting_is_an_option_jupyterhub_knows(config_file, monkeypatch, tmp_path):
    """A misspelt option is silently ignored by JupyterHub: here it fails."""
    from jupyterhub.app import JupyterHub
    from jupyterhub.auth import Authenticator, DummyAuthenticator, LocalAuthenticator
    from jupyterhub.proxy import ConfigurableHTTPProxy
    from jupyterhub.spawner import SimpleLocalProcessSpawner, Spawner
    from systemdspawner import SystemdSpawner

    for name in ("PORT", "API_PORT", "PROXY_PORT", "TOKEN", "PASSWORD"):
        monkeypatch.setenv(f"COURSE_HUB_{name}", "1")
    monkeypatch.setenv("COURSE_HUB_DIR", str(tmp_path))
    app = JupyterHub()
    app.load_config_file(str(ROOT / "deploy" / config_file))
    classes = {cls.__name__: cls for cls in (
        JupyterHub, Spawner, SystemdSpawner, SimpleLocalProcessSpawner, Authenticator,
        LocalAuthenticator, DummyAuthenticator, ConfigurableHTTPProxy)}
    for section, settings in app.config.items():
        for option in settings:
            assert classes[section].class_traits().get(option), f"{section}.{option}"
    expected = SystemdSpawner if config_file == "jupyterhub_config.py" else \
        SimpleLocalProcessSpawner
    assert app.spawner_class is expected
