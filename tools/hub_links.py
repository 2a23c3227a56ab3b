"""nbgitpuller links to hand a class: one per notebook, for the hub address the instructor gives.

    python tools/hub_links.py https://hub.example.edu      # or: make links HUB=https://...

Each link logs the student in, clones the course (tools/course_repo.py: REPO_URL, BRANCH) into
`~/<CHECKOUT_NAME>` on the first click, pulls the instructor's new commits on every later one
(never overwriting the student's own edits) and opens the notebook in JupyterLab. The clone's
folder is named in the link (`targetpath`), because the hub's configuration imports `utils`
from exactly that folder (deploy/course_env.py).
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from course_repo import BRANCH, CHECKOUT_NAME, REPO_URL  # noqa: E402

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def course_notebooks() -> list[str]:
    """The lessons' notebooks in teaching order (00-start-here.ipynb first)."""
    return sorted(path.name for path in NOTEBOOKS.glob("[0-9][0-9]*.ipynb"))


def pull_link(hub: str, notebook: str, repo: str = REPO_URL, branch: str = BRANCH) -> str:
    """The nbgitpuller link that pulls the course and opens `notebook` on the hub at `hub`."""
    if not isinstance(hub, str):
        raise TypeError(f"hub must be the hub's address as a str; got {type(hub).__name__}")
    parts = urlsplit(hub.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"hub must be an address like https://hub.example.edu (with no query); "
                         f"got {hub!r}")
    if not notebook.endswith(".ipynb") or "/" in notebook:
        raise ValueError(f"notebook must be a notebook's file name like 00-start-here.ipynb; "
                         f"got {notebook!r}")
    query = urlencode({"repo": repo, "branch": branch, "targetpath": CHECKOUT_NAME,
                       "urlpath": f"lab/tree/{CHECKOUT_NAME}/notebooks/{notebook}"})
    return f"{hub.strip().rstrip('/')}/hub/user-redirect/git-pull?{query}"


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1 or argv[0] in ("-h", "--help"):
        print(__doc__.split("\n\n")[1].strip(), file=sys.stderr)
        return 2
    try:
        links = [(name, pull_link(argv[0], name)) for name in course_notebooks()]
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    print(f"nbgitpuller links for {argv[0]} (course: {REPO_URL}, branch {BRANCH}):")
    for name, link in links:
        print(f"\n{name}\n  {link}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
