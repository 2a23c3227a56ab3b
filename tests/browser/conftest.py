"""Fixtures for the browser tests: Debian's Chromium driven by Playwright, and JupyterLab and
Voila servers started on free loopback ports for the session and stopped after it. Every page
they open aborts requests that would leave the machine, and a test whose page made one fails.

These tests run only through `make test-browser` (which sets COURSE_BROWSER_TESTS=1 and builds
the decks and the site first); plain `pytest` / `make test` does not collect them.
Playwright never downloads a browser here: it launches the Chromium at $CHROMIUM
(default /usr/bin/chromium, `apt-get install chromium`).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from browser_support import ROOT, SCREENSHOTS, is_local, notebooks_dir, present_python

if not os.environ.get("COURSE_BROWSER_TESTS"):
    collect_ignore_glob = ["test_*.py"]

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic", "--disable-dev-shm-usage"]

# JupyterLab settings for the test server: run every cell in the DOM (no windowing, so errors
# in cells far down are visible), no autosave, no news or update checks over the network.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "checkForUpdates": False, "fetchNews": "false"},
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A process we started in its own process group, stopped (by its id) when the tests end."""

    def __init__(self, name: str, command: list[str], url: str, log: Path, env=None, cwd=None):
        self.name, self.url, self.log = name, url, log
        self._log_file = log.open("w")
        self.process = subprocess.Popen(command, stdout=self._log_file, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, env=env, cwd=cwd,
                                        start_new_session=True)

    def wait_ready(self, path: str, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(self.url + path, timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        self.stop()
        pytest.fail(f"{self.name} did not start within {timeout:.0f} s; its log:\n"
                    + self.log.read_text()[-3000:])

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # the group this Popen created
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self._log_file.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture(scope="session")
def course_copy(tmp_path_factory) -> Path:
    """A copy of the notebooks and data: running them in a browser must not touch the repo."""
    root = tmp_path_factory.mktemp("course")
    shutil.copytree(notebooks_dir(), root / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    if (ROOT / "data").is_dir():
        shutil.copytree(ROOT / "data", root / "data")
    return root


@pytest.fixture(scope="session")
def jupyter_lab(course_copy, tmp_path_factory):
    """Base URL of a JupyterLab serving the copied notebooks, no token, loopback only."""
    home = tmp_path_factory.mktemp("lab")
    for name, value in LAB_SETTINGS.items():
        path = home / "settings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value))
    port = free_port()
    command = [sys.executable, "-m", "jupyter", "lab", "--no-browser",
               "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
               "--ServerApp.port_retries=0", "--IdentityProvider.token=",
               "--ServerApp.password=", "--ServerApp.disable_check_xsrf=True",
               f"--ServerApp.root_dir={course_copy / 'notebooks'}",
               "--ServerApp.allow_root=True", "--LabApp.extension_manager=readonly",
               "--LabApp.expose_app_in_browser=True",
               f"--LabApp.user_settings_dir={home / 'settings'}",
               f"--LabApp.workspaces_dir={home / 'workspaces'}",
               "--LabApp.news_url=None",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "MPLBACKEND": "Agg"}
    server = Server("jupyter lab", command, f"http://127.0.0.1:{port}", home / "lab.log", env=env)
    server.wait_ready("/api/status")
    yield server.url
    server.stop()


# Live slides: Voila runs every cell of a deck and presents it with reveal.js (the course's
# `course_present` template). Only the widget manager's extensions are loaded: the other
# labextensions in the environment are built for JupyterLab and fail in Voila's older core.
PRESENT_EXTENSIONS = ["@voila-dashboards/widgets-manager8", "@jupyter-widgets/jupyterlab-manager"]


def voila_command(port: int, template: str, root: Path) -> list[str]:
    command = [present_python(), "-m", "voila", "--no-browser", f"--port={port}",
               f"--template={template}", "--Voila.ip=127.0.0.1",
               "--VoilaConfiguration.show_tracebacks=True"]
    if template == "course_present":
        command.append(f"--VoilaConfiguration.extension_allowlist={json.dumps(PRESENT_EXTENSIONS)}")
    return [*command, str(root)]


@pytest.fixture(scope="session")
def voila(course_copy, tmp_path_factory):
    """Base URL of a Voila serving the copied notebooks (tracebacks shown), loopback only."""
    home = tmp_path_factory.mktemp("voila")
    port = free_port()
    # the course template: voila's lab template minus its CDN stylesheets
    command = voila_command(port, "course", course_copy / "notebooks")
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "MPLBACKEND": "Agg",
           # where voila finds the course's template (share/jupyter/voila/templates/course)
           "JUPYTER_PATH": os.pathsep.join(filter(None, [str(ROOT / "share" / "jupyter"),
                                                         os.environ.get("JUPYTER_PATH")]))}
    server = Server("voila", command, f"http://127.0.0.1:{port}", home / "voila.log", env=env,
                    cwd=course_copy / "notebooks")
    server.wait_ready("/")
    yield server.url
    server.stop()


@pytest.fixture(scope="session")
def voila_present(course_copy, tmp_path_factory):
    """Base URL of a Voila presenting the copied notebooks as live slides, loopback only."""
    home = tmp_path_factory.mktemp("present")
    port = free_port()
    # matplotlib's inline backend, as `make present` has it: pictures are outputs on the slides
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
           "MPLBACKEND": "module://matplotlib_inline.backend_inline",
           "JUPYTER_PATH": os.pathsep.join(filter(None, [str(ROOT / "share" / "jupyter"),
                                                         os.environ.get("JUPYTER_PATH")]))}
    server = Server("voila (live slides)", voila_command(port, "course_present",
                                                         course_copy / "notebooks"),
                    f"http://127.0.0.1:{port}", home / "present.log", env=env,
                    cwd=course_copy / "notebooks")
    server.wait_ready("/")
    yield server.url
    server.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not Path(chromium).exists():
        pytest.fail(f"no browser at {chromium}: install Debian's with `apt-get install chromium` "
                    "(or set CHROMIUM=/path/to/chromium); never `playwright install`")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class OfflinePage:
    """A fresh page whose every request to a non-loopback address is aborted and recorded."""

    def __init__(self, browser, width=1280, height=900):
        self.context = browser.new_context(viewport={"width": width, "height": height},
                                           service_workers="block")
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.left_machine: list[str] = []
        self.console_errors: list[str] = []
        self.page.route("**/*", self._route)
        self.page.on("console", lambda message: message.type == "error"
                     and self.console_errors.append(message.text))

    def _route(self, route) -> None:
        url = route.request.url
        self.requests.append(url)
        if is_local(url):
            route.continue_()
        else:
            self.left_machine.append(url)
            route.abort()

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def offline_page(browser):
    pages = []

    def make(**kwargs) -> OfflinePage:
        pages.append(OfflinePage(browser, **kwargs))
        return pages[-1]

    yield make
    left = sorted({url for page in pages for url in page.left_machine})
    for page in pages:
        page.close()
    # Lab, Voila, the decks and the site must work with no network at all: any request to
    # an address other than this machine fails the test that made it (it was blocked, so the
    # page may have looked fine: that is exactly what a projector with no connection would hide).
    assert not left, f"requests that would have left the machine: {left}"
