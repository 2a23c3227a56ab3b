"""tools/present_versions.py: reads what Voila's core provides and what each widget extension asks
for, in every spelling webpack writes, and finds each mismatch (the browser suite runs it on the
real .venv-present; here it runs on small stand-in builds)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import present_versions  # noqa: E402

MANAGER, VOILA_MANAGER = present_versions.EXTENSIONS[1], present_versions.EXTENSIONS[0]


def build(share: Path, core: dict[str, str], manager: str, voila_manager: str) -> Path:
    """A stand-in share/jupyter: Voila's core registering `core`, two extensions' remote entries."""
    static = share / "voila" / "templates" / "base" / "static"
    static.mkdir(parents=True)
    static.joinpath("voila.js").write_text(
        "".join(f'register("{name}","{version}",()=>x);' for name, version in core.items()))
    for folder, text in [(share / "labextensions" / MANAGER, manager),
                         (share / "voila" / "labextensions" / VOILA_MANAGER, voila_manager)]:
        (folder / "static").mkdir(parents=True)
        (folder / "static" / "remoteEntry.abc123.js").write_text(text)
    return share


CORE = {"@jupyterlab/rendermime": "4.2.5", "@jupyterlab/services": "7.2.5",
        "@lumino/widgets": "2.4.0"}


@pytest.mark.parametrize("spelling", [
    '"@jupyterlab/rendermime",!1,[1,4,{minor},0]',
    '"@jupyterlab/rendermime",[1,4,{minor},0]',
    '@jupyterlab/rendermime",import:null,requiredVersion:"^4.{minor}.0"'])
def test_each_spelling_of_a_range_is_read_and_judged(tmp_path, spelling):
    fine = build(tmp_path / "fine", CORE, spelling.format(minor=2), '"@lumino/widgets",[1,2,0,0]')
    assert present_versions.mismatches(fine) == []
    newer = build(tmp_path / "newer", CORE, spelling.format(minor=6), "")
    assert present_versions.mismatches(newer) == [
        f"{MANAGER} asks for @jupyterlab/rendermime ^4.6.0, Voila's core provides 4.2.5"]


def test_a_module_the_core_lacks_or_a_major_version_apart_is_a_mismatch(tmp_path):
    share = build(tmp_path, CORE, '"@jupyterlab/console",[1,4,0,0]',
                  '"@jupyterlab/services",[1,6,0,0]"@lumino/widgets",[1,1,9,0]')
    assert sorted(present_versions.mismatches(share)) == [
        f"{MANAGER} asks for @jupyterlab/console ^4.0.0, Voila's core provides nothing",
        f"{VOILA_MANAGER} asks for @jupyterlab/services ^6.0.0, Voila's core provides 7.2.5",
        f"{VOILA_MANAGER} asks for @lumino/widgets ^1.9.0, Voila's core provides 2.4.0"]


@pytest.mark.parametrize(("wanted", "have", "allowed"), [
    ((4, 2, 4), (4, 2, 5), True), ((4, 2, 5), (4, 2, 5), True), ((4, 6, 2), (4, 2, 5), False),
    ((4, 0, 0), (5, 0, 0), False), ((0, 3, 1), (0, 3, 9), True), ((0, 3, 1), (0, 4, 0), False)])
def test_caret_ranges_follow_semver(wanted, have, allowed):
    assert present_versions.caret_allows(wanted, have) is allowed


def test_a_missing_voila_or_extension_is_said_plainly(tmp_path):
    with pytest.raises(SystemExit, match="no Voila core found"):
        present_versions.mismatches(tmp_path)
    share = build(tmp_path / "x", CORE, "", "")
    (share / "labextensions" / MANAGER / "static" / "remoteEntry.abc123.js").unlink()
    with pytest.raises(SystemExit, match=f"extension {MANAGER} not found"):
        present_versions.mismatches(share)
