"""Do Voila's JupyterLab core and the widget extensions it loads agree on every shared module?

Voila ships its own copy of JupyterLab's core; the widget extensions (Voila's widgets-manager8
and ipywidgets' @jupyter-widgets/jupyterlab-manager) were each built against some JupyterLab
and ask for its modules by version (`^4.6.2`). A core older than asked for still loads them,
but the browser console fills with "Unsatisfied version" warnings and nothing promises the
widgets work. This reads the versions the core provides and the ranges each extension asks for,
straight from the built JavaScript of the environment it runs in, and exits 1 on any mismatch.

    .venv-present/bin/python tools/present_versions.py   # run by `make present` on install
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

# The extensions `make present` loads into Voila's page (Makefile PRESENT_EXTENSIONS).
EXTENSIONS = ("@voila-dashboards/widgets-manager8", "@jupyter-widgets/jupyterlab-manager")
# How a webpack module federation build names a version it provides, and a range it asks for
# (three spellings of ^4.2.5: `"@jupyterlab/x",!1,[1,4,2,5]`, `"@jupyterlab/x",[1,4,2,5]`, or
# requiredVersion:"^4.2.5", depending on the webpack that built it).
PROVIDED = re.compile(r'"(@(?:jupyterlab|lumino)/[a-z-]+)","(\d+\.\d+\.\d+)"')
ASKED = (re.compile(r'"(@(?:jupyterlab|lumino)/[a-z-]+)",(?:!1,)?\[1,(\d+),(\d+),(\d+)\]'),
         re.compile(r'(@(?:jupyterlab|lumino)/[a-z-]+)",import:null,requiredVersion:"\^(\d+)\.(\d+)\.(\d+)"'))


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def caret_allows(wanted: tuple[int, ...], have: tuple[int, ...]) -> bool:
    """semver's ^wanted: the same major version (for 0.x, the same minor), and not older."""
    same = have[:1] == wanted[:1] if wanted[0] else have[:2] == wanted[:2]
    return same and have >= wanted


def provided(share: Path) -> dict[str, tuple[int, ...]]:
    """The modules Voila's core provides, with their versions."""
    core = share / "voila" / "templates" / "base" / "static"
    found: dict[str, tuple[int, ...]] = {}
    for script in sorted(core.glob("*.js")):
        for name, version in PROVIDED.findall(script.read_text(errors="replace")):
            found.setdefault(name, _version(version))
    if not found:
        raise SystemExit(f"no Voila core found under {core}: is voila installed here?")
    return found


def asked(share: Path, extension: str) -> dict[str, tuple[int, ...]]:
    """The shared modules one extension asks for, with the lowest version it accepts."""
    folders = [share / "labextensions" / extension, share / "voila" / "labextensions" / extension]
    entries = [entry for folder in folders for entry in folder.glob("static/remoteEntry*.js")]
    if not entries:
        raise SystemExit(f"extension {extension} not found under {share}: is it installed here?")
    wanted: dict[str, tuple[int, ...]] = {}
    for entry in entries:
        text = entry.read_text(errors="replace")
        for pattern in ASKED:
            for name, *version in pattern.findall(text):
                wanted[name] = max(wanted.get(name, (0,)), tuple(int(v) for v in version))
    return wanted


def mismatches(share: Path, extensions=EXTENSIONS) -> list[str]:
    """One line per module an extension asks for that the core does not provide in range."""
    core = provided(share)
    problems = []
    for extension in extensions:
        for name, wanted in sorted(asked(share, extension).items()):
            have = core.get(name)
            if have is None or not caret_allows(wanted, have):
                shown = ".".join(map(str, have)) if have else "nothing"
                problems.append(f"{extension} asks for {name} ^{'.'.join(map(str, wanted))}, "
                                f"Voila's core provides {shown}")
    return problems


def main() -> int:
    share = Path(sys.prefix) / "share" / "jupyter"
    problems = mismatches(share)
    core = provided(share)
    print(f"Voila's JupyterLab core: @jupyterlab/rendermime "
          f"{'.'.join(map(str, core.get('@jupyterlab/rendermime', ())))}; extensions checked: "
          f"{', '.join(EXTENSIONS)}: {len(problems)} mismatches")
    for line in problems:
        print("  " + line, file=sys.stderr)
    if problems:
        print("Pin voila and jupyterlab_widgets to a pair built for the same JupyterLab "
              "(pyproject.toml, the `present` extra).", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
