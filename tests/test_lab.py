"""The README's first command: `make lab` serves JupyterLab on 127.0.0.1 with the course."""

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

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def same_environment() -> list[str]:
    """`make lab` in the environment running this test when make built it (.venv-python3.13,
    .venv-lowest, ...), not a fresh .venv built from scratch inside the test's time limit."""
    if (Path(sys.prefix) / ".installed").is_file():
        return [f"VENV={os.path.relpath(sys.prefix, ROOT)}"]
    return []


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_lab_serves_the_course():
    port, token = free_port(), "course-test-token"
    env = {**os.environ, "JUPYTER_TOKEN": token, "BROWSER": "true"}
    server = subprocess.Popen(["make", "--no-print-directory", "lab", f"PORT={port}",
                               *same_environment()], cwd=ROOT,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              start_new_session=True)
    try:
        deadline, contents = time.monotonic() + 60, None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                url = f"http://127.0.0.1:{port}/api/contents/00-start-here.ipynb?content=0"
                request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
                with urllib.request.urlopen(request, timeout=2) as response:
                    contents = json.load(response)
                break
            except OSError:
                time.sleep(0.5)
        assert contents is not None, "JupyterLab did not answer: " + (
            server.stdout.read().decode() if server.poll() is not None else "still starting")
        assert contents["type"] == "notebook"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/lab?token={token}") as response:
            assert b"JupyterLab" in response.read()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_lab_ends_by_printing_its_address_with_a_new_token():
    port = free_port()
    server = subprocess.Popen(["make", "--no-print-directory", "lab", f"PORT={port}",
                               *same_environment()], cwd=ROOT,
                              env={**os.environ, "JUPYTER_TOKEN": "", "BROWSER": "true"},
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              start_new_session=True)
    try:
        deadline, seen, wanted = time.monotonic() + 90, "", "/00-start-here.ipynb?token="
        while time.monotonic() < deadline and wanted not in seen and server.poll() is None:
            seen += server.stdout.readline()
        address = next((line.strip() for line in seen.splitlines() if wanted in line), "")
        assert address.startswith(f"http://127.0.0.1:{port}/lab/tree/00-start-here.ipynb?token="), \
            f"make lab printed no address with a token:\n{seen[-2000:]}"
        assert len(address.rsplit("=", 1)[1]) >= 32, "the generated token is too short"
        lab = address.replace("/lab/tree/00-start-here.ipynb", "/lab")
        with urllib.request.urlopen(lab) as page:
            assert b"JupyterLab" in page.read(), "the printed address does not open the lab"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
