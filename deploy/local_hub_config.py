# The course's hub configuration (deploy/jupyterhub_config.py) on 127.0.0.1, without root,
# systemd or a real login: `make hub` and tests/test_hub.py run it through deploy/local_hub.py,
# which sets the COURSE_HUB_* variables. What it swaps, and why:
#   - SystemdSpawner (needs systemd as PID 1 and system users) -> SimpleLocalProcessSpawner:
#     every student still gets their own server process and their own home folder, under
#     COURSE_HUB_DIR/homes, but all run as the hub's own user and the memory and CPU limits are
#     only advertised (MEM_LIMIT, CPU_LIMIT), not enforced;
#   - PAM -> the dummy authenticator: any user name, one shared password;
#   - every port on 127.0.0.1, chosen free; the database and secrets in COURSE_HUB_DIR.
# Everything else (the students' PYTHONPATH, kernel culling, the idle culler, nbgitpuller in
# the environment) is the one-machine configuration itself.
import os
from pathlib import Path

load_subconfig(str(Path(__file__).resolve().parent / "jupyterhub_config.py"))  # noqa: F821
c = get_config()  # noqa: F821

work = Path(os.environ["COURSE_HUB_DIR"])
c.JupyterHub.bind_url = f"http://127.0.0.1:{os.environ['COURSE_HUB_PORT']}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ["COURSE_HUB_API_PORT"])
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ['COURSE_HUB_PROXY_PORT']}"
c.ConfigurableHTTPProxy.pid_file = str(work / "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{work / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(work / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(work / "jupyterhub.pid")

c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = os.environ["COURSE_HUB_PASSWORD"]

c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = str(work / "homes" / "{username}")
c.Spawner.start_timeout = 180  # a loaded machine (CI, a shared laptop) starts servers slowly
c.Spawner.http_timeout = 180
if os.getuid() == 0:  # containers and CI run as root; Jupyter refuses that unless told
    c.Spawner.args = [*c.Spawner.args, "--ServerApp.allow_root=True"]

# The admin's token: the tests and `make hub` start servers, pull and run code with it.
c.JupyterHub.services.append({"name": "course-admin",
                              "api_token": os.environ["COURSE_HUB_TOKEN"]})
c.JupyterHub.load_roles.append({
    "name": "course-admin",
    "scopes": ["admin:users", "admin:servers", "access:servers", "list:users", "read:users",
               "read:services"],
    "services": ["course-admin"],
})
