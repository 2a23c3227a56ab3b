"""deploy/: the one-machine hub config, the Zero to JupyterHub values, and which `utils` imports.

The hub itself runs in tests/test_hub.py (make test-hub); these need only the course's .venv.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from traitlets.config.loader import PyFileConfigLoader

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "deploy"))
import course_env  # noqa: E402
from course_repo import CHECKOUT_NAME  # noqa: E402  (course_env put tools/ on the path)


@pytest.fixture(scope="module")
def config():
    return PyFileConfigLoader("jupyterhub_config.py", path=str(ROOT / "deploy")).load_config()


@pytest.fixture(scope="module")
def values():
    return yaml.safe_load((ROOT / "deploy" / "z2jh" / "values.yaml").read_text())


def test_each_student_gets_a_systemd_unit_with_limits(config):
    assert config.JupyterHub.spawner_class == "systemdspawner.SystemdSpawner"
    assert config.Spawner.mem_limit == "1G" and config.Spawner.cpu_limit == 1.0
    assert Path(config.Spawner.cmd[0]).name == "jupyterhub-singleuser"
    culler, = config.JupyterHub.services
    assert culler["command"][1:3] == ["-m", "jupyterhub_idle_culler"]
    role, = config.JupyterHub.load_roles
    assert role["services"] == ["idle-culler"] and "delete:servers" in role["scopes"]


def test_the_students_pythonpath_is_their_own_clone(config, tmp_path):
    rule = config.Spawner.environment["PYTHONPATH"]
    spawner = SimpleNamespace(home_dir=str(tmp_path / "alice"), user=SimpleNamespace(name="x"))
    assert rule(spawner) == str(tmp_path / "alice" / CHECKOUT_NAME)
    me = SimpleNamespace(home_dir="", user=SimpleNamespace(name=os.environ.get("USER", "root")))
    if me.user.name == "root":  # a system user's home, as SystemdSpawner's students have
        assert rule(me) == str(Path(os.path.expanduser("~root")) / CHECKOUT_NAME)


def test_the_cluster_values_match_the_one_machine_hub(config, values):
    single = values["singleuser"]
    assert single["memory"]["limit"] == config.Spawner.mem_limit
    assert single["cpu"]["limit"] == config.Spawner.cpu_limit
    assert single["extraEnv"]["PYTHONPATH"] == f"/home/jovyan/{CHECKOUT_NAME}"
    assert single["defaultUrl"] == config.Spawner.default_url
    culling = single["extraFiles"]["kernel-culling"]["data"]["MappingKernelManager"]
    assert config.Spawner.args == [f"--MappingKernelManager.{key}={value}"
                                   for key, value in culling.items()]
    culler = config.JupyterHub.services[0]["command"]
    assert f"--timeout={values['cull']['timeout']}" in culler
    assert f"--cull-every={values['cull']['every']}" in culler
    appendix = (ROOT / "deploy" / "z2jh" / "image-appendix").read_text()
    assert "nbgitpuller" in appendix and "jupyterhub" in appendix
    assert "--appendix" in (ROOT / "deploy" / "z2jh" / "values.yaml").read_text()


def test_a_pull_changes_what_import_utils_gives(tmp_path):
    """The clone on PYTHONPATH wins over the course installed in this environment, and moves
    with each pull (nbgitpuller's pull is a fetch and a merge: test_hub.py runs the real one)."""
    origin, home = tmp_path / "origin", tmp_path / "alice"
    git = ["git", "-c", "user.name=Instructor", "-c", "user.email=i@example.edu"]
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(origin)], check=True)
    subprocess.run(["git", "clone", "--quiet", str(origin), str(home / CHECKOUT_NAME)],
                   check=True)
    spawner = SimpleNamespace(home_dir=str(home))
    env = {**os.environ, "PYTHONPATH": course_env.student_pythonpath(spawner),
           "COURSE_PROGRESS_FILE": "off"}
    probe = [sys.executable, "-c",
             "import utils; print(utils.__file__, getattr(utils, 'PULL_MARK', 'old'))"]

    def imported():
        return subprocess.run(probe, cwd=home / CHECKOUT_NAME / "notebooks", env=env,
                              capture_output=True, text=True, check=True).stdout.split()

    assert imported() == [str(home / CHECKOUT_NAME / "utils" / "__init__.py"), "old"]
    with open(origin / "utils" / "__init__.py", "a") as init:
        init.write("\nPULL_MARK = 'new'\n")
    subprocess.run([*git, "commit", "--quiet", "-am", "fix"], cwd=origin, check=True)
    subprocess.run([*git, "pull", "--quiet", "--no-rebase"], cwd=home / CHECKOUT_NAME,
                   check=True)
    assert imported()[1] == "new"
    env.pop("PYTHONPATH")  # without the hub's setting, the installed copy would answer instead
    assert imported()[0] != str(home / CHECKOUT_NAME / "utils" / "__init__.py")
