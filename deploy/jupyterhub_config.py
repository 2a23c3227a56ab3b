# JupyterHub for a class on ONE machine (Linux with systemd as PID 1), run as root from a checkout:
#     jupyterhub -f /opt/matrix-derivatives-course/deploy/jupyterhub_config.py
# Each student is a system user with their own server in their own systemd unit, with memory and
# CPU limits the kernel enforces (jupyterhub-systemdspawner; The Littlest JupyterHub does the
# same). LocalProcessSpawner would also give each student their own process, but its mem_limit
# and cpu_limit are only advertised, never enforced: one runaway kernel could take the machine.
# Not tried on the machine this was written on (systemd is not PID 1 there): deploy/local_hub.py
# runs this same file with the systemd parts swapped for a local spawner, and the tests use that.
# Sizes come from benchmarks/bench_hub_sizing.py (README: "A class on JupyterHub").
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import course_env  # noqa: E402

c = get_config()  # noqa: F821  (JupyterHub's config loader provides it)

# --- who: the institution's login; system users are created on first login -------------------
c.JupyterHub.authenticator_class = "pam"  # replace with the institution's (OAuth, LDAP, LTI)
c.LocalAuthenticator.create_system_users = True
c.Authenticator.admin_users = {"instructor"}  # the hub admin who gathers the class table
c.Authenticator.allow_all = True  # everyone the authenticator lets in; narrow to the class list

# --- each student: their own server, the course's environment, limits measured ----------------
c.JupyterHub.spawner_class = "systemdspawner.SystemdSpawner"
# The students' servers run from the hub's own environment: install it with
#   python3 -m venv /opt/course-env && /opt/course-env/bin/pip install "<checkout>[hub]"
c.Spawner.cmd = [str(Path(sys.executable).parent / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.environment = {"PYTHONPATH": course_env.student_pythonpath}
# Measured: one student with 04 run from the top peaks at about 377 MiB (kernel + server);
# 1 GiB leaves room for two notebooks open at once, and a kernel idle for 20 minutes is shut
# down (its variables are lost; the notebook and the progress file are not).
c.Spawner.mem_limit = "1G"
c.Spawner.cpu_limit = 1.0  # no student can take both cores of a 2-core machine
c.Spawner.args = ["--MappingKernelManager.cull_idle_timeout=1200",
                  "--MappingKernelManager.cull_interval=300"]
c.SystemdSpawner.isolate_tmp = True
c.SystemdSpawner.isolate_devices = True
c.SystemdSpawner.disable_user_sudo = True

# --- the proxy: deploy/package.json, installed with `npm install --prefix <dir>` --------------
for proxy in (HERE / "node_modules" / ".bin" / "configurable-http-proxy",
              HERE.parent / "build" / "hub-proxy" / "node_modules" / ".bin"
              / "configurable-http-proxy"):
    if proxy.exists():
        c.ConfigurableHTTPProxy.command = [str(proxy)]
        break

# --- idle servers stop after an hour (their files stay; the next click starts them again) -----
c.JupyterHub.services = [{
    "name": "idle-culler",
    "command": [sys.executable, "-m", "jupyterhub_idle_culler", "--timeout=3600",
                "--cull-every=300"],
}]
c.JupyterHub.load_roles = [{
    "name": "idle-culler",
    "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    "services": ["idle-culler"],
}]
