"""utils.environment: the setup check that 00-start-here shows a student."""

import sys
import types
from importlib import metadata

import pytest

from utils import environment


def test_everything_needed_is_installed_here():
    assert environment.check_environment().startswith("✅")
    names = {name for name, *_ in environment.package_versions()}
    assert {"numpy", "matplotlib", "ipywidgets", "jupyterlab"} <= names


def test_a_missing_or_old_package_is_named(monkeypatch):
    real_version = metadata.version

    def fake_version(name):
        if name == "numpy":
            return "1.20.0"
        if name == "matplotlib":
            raise metadata.PackageNotFoundError(name)
        return real_version(name)

    monkeypatch.setattr(environment.metadata, "version", fake_version)
    message = environment.check_environment()
    assert message.startswith("❌")
    assert "numpy 1.20.0 (needs <3,>=1.24)" in message
    assert "matplotlib missing" in message


def test_course_not_installed_says_how_to_fix(monkeypatch):
    def not_installed(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(environment.metadata, "requires", not_installed)
    monkeypatch.setattr(environment, "PYPROJECT", environment.PYPROJECT.with_name("absent.toml"))
    with pytest.raises(RuntimeError, match="make lab"):
        environment.requirements()


def test_a_clone_used_without_installing_reads_its_pyproject(monkeypatch):
    installed = {str(r) for r in environment.requirements()}

    def not_installed(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(environment.metadata, "requires", not_installed)
    assert {str(r) for r in environment.requirements()} == installed
    assert environment.check_environment().startswith("✅")


def test_on_colab_the_jupyter_front_end_is_not_required(monkeypatch):
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    names = {r.name for r in environment.requirements()}
    assert "numpy" in names and "autograd" in names
    assert not names & {"jupyterlab", "notebook", "jupyterlab_rise", "ipykernel"}


def test_a_clone_without_a_toml_reader_still_reads_its_pyproject(monkeypatch):
    """Python 3.10 has no tomllib: the clone's dependencies are read all the same."""
    installed = {str(r) for r in environment.requirements()}

    def not_installed(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(environment.metadata, "requires", not_installed)
    monkeypatch.setitem(sys.modules, "tomllib", None)  # `import tomllib` now fails
    assert {str(r) for r in environment.requirements()} == installed


def test_the_fallback_reader_skips_comments_and_other_tables():
    text = ('[build-system]\nrequires = ["setuptools"]\n[project]\nname = "x"\n'
            'dependencies = [\n    "numpy>=1.24",  # "not this"\n    # "nor this"\n'
            '    "autograd>=1.6",\n]\n[project.optional-dependencies]\ntest = ["pytest"]\n')
    assert environment._dependency_list(text) == ["numpy>=1.24", "autograd>=1.6"]


def test_on_colab_the_advice_is_the_first_cell_not_make(monkeypatch):
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    monkeypatch.setattr(environment.metadata, "version",
                        lambda name: "7.7.1" if name == "ipywidgets" else "99.0")
    message = environment.check_environment()
    assert message.startswith("❌") and "ipywidgets 7.7.1" in message
    assert "first code cell" in message and "make lab" not in message
