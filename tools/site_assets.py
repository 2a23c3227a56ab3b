"""The decks' and the site's offline assets: reveal.js and MathJax, unpacked from two wheels
(downloaded once into build/cache/wheels) and copied beside the pages, so nothing is fetched
from the network when a deck or page opens; and reveal.js's styles for the live slides."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "build" / "cache" / "wheels"
# Where Voila's live-slides template (share/jupyter/voila/templates/course_present) finds them.
PRESENT_STATIC = ROOT / "share" / "jupyter" / "voila" / "templates" / "course_present" / "static"

# name beside the pages -> (the PyPI wheel that ships it, the folder inside the wheel, what to copy)
ASSETS = {
    "reveal.js": ("sphinx-revealjs==3.2.1", "sphinx_revealjs/_static/revealjs/",
                  ("dist/", "plugin/notes/", "LICENSE")),  # reveal.js 5.2.0
    "mathjax": ("jupyter-server-mathjax==0.2.6", "jupyter_server_mathjax/static/",
                ("",)),  # MathJax 2.7, with its STIX-Web fonts
}
MATHJAX = "_static/mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"
# MathJax 2.7 configured for the fonts its wheel ships (STIX-Web), so no font comes from a CDN.
MATHJAX_HEAD = """<script type="text/x-mathjax-config">
MathJax.Hub.Config({
    TeX: {equationNumbers: {autoNumber: "AMS", useLabelIds: true}},
    tex2jax: {inlineMath: [["$", "$"], ["\\\\(", "\\\\)"]],
              displayMath: [["$$", "$$"], ["\\\\[", "\\\\]"]],
              processEscapes: true, processEnvironments: true},
    "HTML-CSS": {availableFonts: [], preferredFont: null, webFont: "STIX-Web", imageFont: null,
                 linebreaks: {automatic: true}},
    displayAlign: "center", messageStyle: "none"
});
</script>
<script src="MATHJAX_URL"></script>"""


def wheel(spec: str) -> Path:
    """The wheel for `spec` ("name==version"), downloaded from PyPI once and then cached."""
    name, version = spec.split("==")
    pattern = f"{name.replace('-', '_')}-{version}-*.whl"
    found = sorted(CACHE.glob(pattern))
    if not found:
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                        "--only-binary=:all:", "--dest", str(CACHE), spec], check=True)
        found = sorted(CACHE.glob(pattern))
    if not found:
        raise FileNotFoundError(f"pip download {spec} left no {pattern} in {CACHE}")
    return found[-1]


def copy_assets(out: Path, names: tuple[str, ...], static: str = "_static", renamed=None) -> None:
    """Unpack the named assets into out/<static>/<name>/ (skipped when already there); renamed
    maps a name to another folder name."""
    for name in names:
        spec, prefix, keep = ASSETS[name]
        target = out / static / (renamed or {}).get(name, name)
        if (target / ".complete").exists():
            continue
        with zipfile.ZipFile(wheel(spec)) as archive:
            for member in archive.namelist():
                relative = member[len(prefix):]
                if (member.startswith(prefix) and not member.endswith("/")
                        and relative.startswith(keep) and not relative.endswith(".map")):
                    destination = target / relative
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    destination.write_bytes(archive.read(member))
        (target / ".complete").write_text(spec + "\n")


def install_present_assets() -> Path:
    """reveal.js's styles for the live slides, in the Voila template's git-ignored static/
    (Voila brings reveal.js's code and MathJax itself)."""
    # "revealjs": a folder named reveal.js would hide Voila's own static file of that name
    copy_assets(PRESENT_STATIC.parent, ("reveal.js",), static="static",
                renamed={"reveal.js": "revealjs"})
    return PRESENT_STATIC
