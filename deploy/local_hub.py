"""A JupyterHub on 127.0.0.1 with the course's configuration: `make hub` to try it, and the tests.

    .venv-hub/bin/python deploy/local_hub.py     # make hub: prints the address, Ctrl-C stops it

It serves the course from a bare git repository cloned from this checkout (build/hub/course.git),
so nbgitpuller links work offline; log in with any user name and the password it prints.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tools"))
from course_repo import BRANCH, CHECKOUT_NAME  # noqa: E402


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def bare_course_repository(target: Path, source: Path = ROOT) -> str:
    """A bare clone of `source` at `target` whose BRANCH is `source`'s HEAD (committed work only),
    whatever branch is checked out there; as a git URL for nbgitpuller."""
    head = subprocess.run(["git", "-C", str(source), "rev-parse", "HEAD"], check=True,
                          capture_output=True, text=True).stdout.strip()
    subprocess.run(["git", "clone", "--quiet", "--bare", str(source), str(target)], check=True)
    for command in (["update-ref", f"refs/heads/{BRANCH}", head],
                    ["symbolic-ref", "HEAD", f"refs/heads/{BRANCH}"]):
        subprocess.run(["git", "--git-dir", str(target), *command], check=True)
    return target.resolve().as_uri()


@dataclass
class LocalHub:
    """A running hub, its admin token and the folder of the students' homes."""

    url: str
    token: str
    password: str
    homes: Path
    process: subprocess.Popen

    def request(self, method: str, path: str, body=None, timeout: float = 120):
        """One HTTP request under the hub's address with the admin token; the parsed JSON reply."""
        return _api(self.url, self.token, method, path, body, timeout)

    def start_server(self, user: str, timeout: float = 240) -> None:
        """Create the user if needed, start their server (unless running), wait until it answers."""
        try:
            self.request("POST", f"/hub/api/users/{user}")
        except urllib.error.HTTPError as error:
            if error.code != 409:  # 409: the user exists already
                raise
        if not self.request("GET", f"/hub/api/users/{user}")["servers"]:
            self.request("POST", f"/hub/api/users/{user}/server")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            server = self.request("GET", f"/hub/api/users/{user}")["servers"].get("", {})
            if server.get("ready"):
                return
            time.sleep(0.5)
        raise TimeoutError(f"{user}'s server did not start within {timeout} s")

    def pull(self, user: str, repo: str, branch: str = BRANCH, opener=None) -> list[dict]:
        """Clone or pull the course into `user`'s home as nbgitpuller's page does (its streaming
        API), with the admin's token or a logged-in student's `opener`; nbgitpuller's events."""
        query = urllib.parse.urlencode({"repo": repo, "branch": branch,
                                        "targetpath": CHECKOUT_NAME})
        request = urllib.request.Request(f"{self.url}/user/{user}/git-pull/api?{query}")
        if opener is None:
            opener = urllib.request.build_opener()
            request.add_header("Authorization", f"token {self.token}")
        with opener.open(request, timeout=300) as response:
            lines = response.read().decode().splitlines()
        events = [json.loads(line[len("data:"):]) for line in lines if line.startswith("data:")]
        if not events or events[-1].get("phase") != "finished":
            raise RuntimeError(f"nbgitpuller did not finish for {user}: {events[-3:]}")
        return events

    def click(self, user: str, link: str, timeout: float = 240):
        """A student opens an nbgitpuller `link`: logs in as `user`, waits while the hub starts
        their server, lands on nbgitpuller's page. Returns the logged-in opener (cookies)."""
        import http.cookiejar
        import re

        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        with opener.open(link, timeout=60) as login:
            xsrf = re.search(r'name="_xsrf" value="([^"]+)"', login.read().decode()).group(1)
            form = {"username": user, "password": self.password, "_xsrf": xsrf}
            opener.open(login.url, data=urllib.parse.urlencode(form).encode(), timeout=timeout)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:  # the spawn-pending page refreshes itself by script
            with opener.open(link, timeout=timeout) as page:
                if f"/user/{user}/git-pull?" in page.url:
                    return opener
            time.sleep(1)
        raise TimeoutError(f"{link} did not reach nbgitpuller for {user} within {timeout} s")

    def run_cells(self, user: str, notebook: str, cells: list[str], timeout: float = 240):
        """Run `cells` in a new kernel of `user`'s server, opened on `notebook` (run_cells)."""
        return run_cells(f"{self.url}/user/{user}", self.token, notebook, cells, timeout)


def _api(server: str, token: str, method: str, path: str, body=None, timeout: float = 120):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(server + path, data=data, method=method,
                                     headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        text = response.read().decode()
    return json.loads(text) if text.strip() else None


def run_cells(server: str, token: str, notebook: str, cells: list[str], timeout: float = 240):
    """Run `cells` in a new kernel of the Jupyter server at `server`, opened on `notebook` as
    Lab opens it (a session), through the server's websocket as Lab does; then shut it down.

    Returns each cell's text output (streams, results); a cell that raises is an error.
    """
    import asyncio

    session = _api(server, token, "POST", "/api/sessions", {
        "path": notebook, "type": "notebook", "name": "", "kernel": {"name": "python3"}})
    try:
        return asyncio.run(_execute(server, token, session["kernel"]["id"], cells, timeout))
    finally:
        _api(server, token, "DELETE", f"/api/sessions/{session['id']}")


async def _execute(server, token, kernel_id, cells, timeout):
    import asyncio

    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    url = f"{server.replace('http', 'ws', 1)}/api/kernels/{kernel_id}/channels"
    connection = await websocket_connect(HTTPRequest(
        url, headers={"Authorization": f"token {token}"}))
    outputs = []
    try:
        for code in cells:
            message_id = secrets.token_hex(8)
            connection.write_message(json.dumps({
                "header": {"msg_id": message_id, "msg_type": "execute_request",
                           "username": "", "session": kernel_id, "version": "5.3"},
                "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
                "content": {"code": code, "silent": False, "store_history": True,
                            "user_expressions": {}, "allow_stdin": False,
                            "stop_on_error": True}}))
            text = []
            while True:
                raw = await asyncio.wait_for(connection.read_message(), timeout)
                if raw is None:
                    raise RuntimeError(f"the kernel's connection at {server} closed")
                if isinstance(raw, bytes):  # a message with binary buffers: a widget's comm
                    continue
                message = json.loads(raw)
                if message.get("parent_header", {}).get("msg_id") != message_id:
                    continue
                kind, content = message["msg_type"], message["content"]
                if kind == "stream":
                    text.append(content["text"])
                elif kind in ("execute_result", "display_data"):
                    text.append(content["data"].get("text/plain", "") + "\n")
                elif kind == "error":
                    raise RuntimeError(f"a cell raised {content['ename']}: "
                                       f"{content['evalue']}\n{code}")
                elif kind == "status" and content["execution_state"] == "idle":
                    break
            outputs.append("".join(text))
    finally:
        connection.close()
    return outputs


def proxy_command() -> str:
    """configurable-http-proxy: $COURSE_HUB_PROXY, the npm install in build/hub-proxy, or PATH."""
    for candidate in (os.environ.get("COURSE_HUB_PROXY"),
                      ROOT / "build" / "hub-proxy" / "node_modules" / ".bin"
                      / "configurable-http-proxy"):
        if candidate and Path(candidate).exists():
            return str(candidate)
    return "configurable-http-proxy"


@contextmanager
def running_hub(workdir: Path, port: int | None = None, timeout: float = 120):
    """Start the hub in `workdir` on 127.0.0.1, yield a LocalHub, then stop it and its servers."""
    workdir = Path(workdir).resolve()
    (workdir / "homes").mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    token, password = secrets.token_hex(16), secrets.token_urlsafe(8)
    env = {**os.environ, "COURSE_HUB_DIR": str(workdir), "COURSE_HUB_PORT": str(port),
           "COURSE_HUB_API_PORT": str(free_port()), "COURSE_HUB_PROXY_PORT": str(free_port()),
           "COURSE_HUB_TOKEN": token, "COURSE_HUB_PASSWORD": password,
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("COURSE_PROGRESS_FILE", None)  # the students' checkers record, as on a real hub
    command = [sys.executable, "-m", "jupyterhub", "-f", str(HERE / "local_hub_config.py"),
               f"--ConfigurableHTTPProxy.command={proxy_command()}"]
    with open(workdir / "jupyterhub.log", "ab") as log:
        process = subprocess.Popen(command, cwd=workdir, env=env, stdout=log, stderr=log,
                                   start_new_session=True)
    hub = LocalHub(f"http://127.0.0.1:{port}", token, password, workdir / "homes", process)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the hub exited ({process.returncode}); see "
                                   f"{workdir / 'jupyterhub.log'}")
            try:
                hub.request("GET", "/hub/api/", timeout=5)
                break
            except (OSError, urllib.error.URLError):
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the hub did not answer within {timeout} s") from None
                time.sleep(0.5)
        yield hub
    finally:
        process.send_signal(signal.SIGTERM)  # the hub stops the students' servers and the proxy
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def main() -> int:
    workdir = ROOT / "build" / "hub"
    shutil.rmtree(workdir, ignore_errors=True)  # a fresh hub: no users, no database
    workdir.mkdir(parents=True)
    repo = bare_course_repository(workdir / "course.git")
    with running_hub(workdir) as hub:
        import hub_links

        print(f"\nJupyterHub with the course's configuration: {hub.url}\n"
              f"log in with any user name and the password {hub.password}\n"
              f"students' homes: {hub.homes}\n"
              f"\nnbgitpuller link (the course from {repo}):\n"
              f"  {hub_links.pull_link(hub.url, '00-start-here.ipynb', repo=repo)}\n"
              f"\nthe class table: make class HOMES={hub.homes}\n"
              f"Ctrl-C stops the hub and every student's server.", flush=True)
        try:
            while hub.process.poll() is None:
                time.sleep(1)
        except KeyboardInterrupt:
            print("\nstopping the hub")
    return 0


if __name__ == "__main__":
    sys.exit(main())
