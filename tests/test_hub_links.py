"""tools/hub_links.py: one nbgitpuller link per notebook, from the one repository setting."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import course_repo  # noqa: E402
import hub_links  # noqa: E402


@pytest.mark.parametrize("hub", ["https://hub.example.edu", "https://hub.example.edu/",
                                 "http://127.0.0.1:8123/prefix"])
def test_a_link_pulls_the_course_repository_and_opens_the_notebook(hub):
    link = urlsplit(hub_links.pull_link(hub, "04-efficient-vjp.ipynb"))
    assert link.path == urlsplit(hub.rstrip("/")).path + "/hub/user-redirect/git-pull"
    query = {key: values[0] for key, values in parse_qs(link.query, strict_parsing=True).items()}
    assert query == {"repo": course_repo.REPO_URL, "branch": course_repo.BRANCH,
                     "targetpath": course_repo.CHECKOUT_NAME,
                     "urlpath": f"lab/tree/{course_repo.CHECKOUT_NAME}/notebooks/"
                                "04-efficient-vjp.ipynb"}


def test_every_lesson_gets_one_link_in_teaching_order():
    names = hub_links.course_notebooks()
    assert names[0] == "00-start-here.ipynb" and "06-jacobians-through-time.ipynb" in names
    assert names == sorted(names) and all((ROOT / "notebooks" / n).is_file() for n in names)
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "hub_links.py"),
                             "https://hub.example.edu"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    printed = [line.strip() for line in result.stdout.splitlines() if "git-pull?" in line]
    assert printed == [hub_links.pull_link("https://hub.example.edu", n) for n in names]


@pytest.mark.parametrize("hub", ["hub.example.edu", "ftp://hub.example.edu", "https://",
                                 "https://hub.example.edu/?next=x"])
def test_an_address_that_is_not_a_hub_is_refused_by_name(hub):
    with pytest.raises(ValueError, match="hub must be an address"):
        hub_links.pull_link(hub, "00-start-here.ipynb")
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "hub_links.py"), hub],
                            capture_output=True, text=True)
    assert result.returncode == 2 and repr(hub) in result.stderr


def test_a_wrong_kind_of_argument_is_refused():
    with pytest.raises(TypeError, match="got int"):
        hub_links.pull_link(8000, "00-start-here.ipynb")
    with pytest.raises(ValueError, match="notebook must be"):
        hub_links.pull_link("https://hub.example.edu", "notebooks/00-start-here.ipynb")
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "hub_links.py")],
                            capture_output=True, text=True)
    assert result.returncode == 2 and "make links HUB=" in result.stderr
