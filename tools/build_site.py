"""Build the offline slide decks and the static site from the notebooks' stored outputs.

    python tools/build_site.py slides   # build/slides/<session deck>.slides.html + index.html
    python tools/build_site.py html     # build/html/NN-topic.html (and the decks) + index.html

Slides are built for the session decks only (notebooks/lecture/, in SESSION_DECKS order): a
lesson notebook is a handout, read as the static site, not presented. `slides` also puts
reveal.js's styles into the live-slides Voila template's static/ folder
(site_assets.PRESENT_STATIC), so `make present` needs no network either.

Both work with no network at view time: reveal.js and MathJax are copied beside the pages from
two wheels (tools/site_assets.py: downloaded once into build/cache/wheels, no Node needed),
and nbconvert runs with the templates in tools/templates, which load nothing from a CDN.
Widgets cannot run without a kernel, so each widget output is replaced by a static snapshot of
the state nbclient stored when the notebook was executed: the figure as it was drawn, the
readout's numbers, the controls' values.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
import time
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter, SlidesExporter
from nbconvert.filters.markdown_mistune import markdown2html_mistune
from traitlets.config import Config

sys.path.insert(0, str(Path(__file__).resolve().parent))
from notebook_files import NOTEBOOKS, notebook_paths  # noqa: E402
from site_assets import MATHJAX, MATHJAX_HEAD, copy_assets, install_present_assets  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = Path(__file__).resolve().parent / "templates"
# Notebooks made to be presented (not lessons: no number, no navigation), one per session.
LECTURE = NOTEBOOKS / "lecture"
SESSION_DECKS = ("lecture-deck", "backward-pass-deck", "through-time-deck")  # teaching order

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


# --- widgets as static snapshots -------------------------------------------------------------

def snapshot(model_id: str, state: dict) -> str:
    """HTML for a widget and its children as they were when the notebook was executed."""
    model = state.get(model_id)
    if model is None:
        return ""
    name, attrs = model["model_name"], model["state"]
    description = html.escape(str(attrs.get("description", "")))
    children = [snapshot(ref.removeprefix("IPY_MODEL_"), state)
                for ref in attrs.get("children", [])]
    if name in ("VBoxModel", "BoxModel", "GridBoxModel", "AccordionModel", "TabModel"):
        return "<div>" + "".join(children) + "</div>"
    if name == "HBoxModel":
        return ('<div style="display:flex;flex-wrap:wrap;gap:1em">'
                + "".join(children) + "</div>")
    if name == "ImageModel":
        buffers = {tuple(b["path"]): b["data"] for b in model.get("buffers", [])}
        data = buffers.get(("value",), "")
        fmt = attrs.get("format", "png")
        return (f'<img alt="figure" class="course-snapshot-figure" style="max-width:100%" '
                f'src="data:image/{fmt};base64,{data}">')
    if name in ("HTMLModel", "HTMLMathModel", "LabelModel"):
        value = attrs.get("value", "")
        return f"<div>{value if name != 'LabelModel' else html.escape(value)}</div>"
    if name.endswith("SliderModel") or name in ("DropdownModel", "ToggleButtonsModel",
                                                "RadioButtonsModel", "CheckboxModel",
                                                "BoundedIntTextModel", "BoundedFloatTextModel",
                                                "IntTextModel", "FloatTextModel"):
        value = str(attrs.get("value"))
        if "_options_labels" in attrs and isinstance(attrs.get("index"), int):
            value = attrs["_options_labels"][attrs["index"]]
        words = description.split()
        if words and value.startswith(html.unescape(words[-1])):  # "size ×" and "× 1": one ×
            value = value[len(html.unescape(words[-1])):].strip()
        return f"<span><b>{description}</b> {html.escape(value)}</span>"
    return "".join(children)


def replace_widgets(notebook) -> None:
    """Swap every widget output for its static snapshot; drop the stored widget state."""
    state = notebook.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if view is None:
                continue
            body = snapshot(view.get("model_id", ""), state)
            note = ("static snapshot of the widget: open the notebook in JupyterLab to move "
                    "its controls" if body else
                    "an interactive widget: open the notebook in JupyterLab to use it")
            output["data"] = {"text/html": f'<div class="course-widget-snapshot">{body}'
                                           f'<div class="course-widget-note">{note}</div></div>'}
    notebook.metadata.pop("widgets", None)


def link_pages(notebook, suffix: str) -> None:
    """Point links between notebooks (the navigation cells) at the built pages instead."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = re.sub(r"\]\((\d\d[a-z]?-[^)\s#]+)\.ipynb(#[^)\s]*)?\)",
                                 rf"](\1{suffix}\2)", cell.source)


NOTE = re.compile(r"<details>\s*<summary>(.*?)</summary>(.*?)</details>", flags=re.S)


def collapse_notes(notebook) -> None:
    """A note (<details>) stays closed on the page until opened, as in JupyterLab and on GitHub.
    The page's markdown renderer ends an HTML block at the first blank line, which would leave
    an empty <details> above the note's text, shown open; so the note's markdown is rendered
    here into one block with no blank line (a blank line in code keeps its place as a comment)."""
    def closed(match) -> str:
        body = markdown2html_mistune(match.group(2).strip())
        body = re.sub(r"\n[ \t]*(?=\n)", "\n<!-- -->", body)
        return f"<details><summary>{match.group(1).strip()}</summary>\n{body}</details>"

    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = NOTE.sub(closed, cell.source)


def drop_notes(notebook) -> None:
    """On slides, notes are left out: asides a reader opens on purpose are not projected."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = NOTE.sub("", cell.source)


def title_of(notebook, fallback: str) -> str:
    for cell in notebook.cells:
        match = re.search(r"^#\s+(.+)$", cell.source, flags=re.M) if cell.cell_type == "markdown" \
            else None
        if match:
            return match.group(1).strip()
    return fallback


def index_page(title: str, entries: list[tuple[str, str]], note: str) -> str:
    items = "\n".join(f'  <li><a href="{html.escape(href)}">{html.escape(text)}</a></li>'
                      for href, text in entries)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body {{ font-family: sans-serif; max-width: 48em; margin: 3em auto; line-height: 1.6; }}
ul {{ list-style: none; padding-left: 0; }} li {{ margin: 0.3em 0; }}</style></head>
<body><h1>{html.escape(title)}</h1>
<p>{note}</p>
<ul>
{items}
</ul>
</body></html>
"""


def make_exporter(kind: str):
    """The nbconvert exporter for "slides" or "html", set up to load nothing from a CDN."""
    config = Config()
    config.TemplateExporter.extra_template_basedirs = [str(TEMPLATES)]
    config.HTMLExporter.mathjax_url = MATHJAX
    config.HTMLExporter.embed_images = True
    # A picture made by code the audience need not read: its code is left out of slides and pages.
    config.TagRemovePreprocessor.remove_input_tags = {"hide-input"}
    config.TagRemovePreprocessor.enabled = True
    if kind == "slides":
        config.SlidesExporter.reveal_url_prefix = "_static/reveal.js"
        config.SlidesExporter.reveal_theme = "white"  # its fonts ship with reveal.js
        return SlidesExporter(config=config, template_name="course_reveal")
    return HTMLExporter(config=config, template_name="course_lab")


LONG_CODE = 12  # lines: longer code that draws a picture shows only its picture on a slide


def pictures_only(notebook) -> None:
    """On slides, a long cell of plotting code gives way to its picture (the page keeps both)."""
    for cell in notebook.cells:
        draws = any("image/png" in output.get("data", {}) for output in cell.get("outputs", []))
        tags = cell.metadata.get("tags", [])
        if (cell.cell_type == "code" and draws and len(cell.source.splitlines()) > LONG_CODE
                and "hide-input" not in tags):
            cell.metadata["tags"] = [*tags, "hide-input"]


def render(exporter, notebook, path: Path, suffix: str) -> str:
    """One page: the Colab cell dropped, widgets as snapshots, links to the other pages, code
    without nbval's markers."""
    notebook.cells = [c for c in notebook.cells  # Colab's setup is noise on a page or a slide
                      if "colab-setup" not in c.metadata.get("tags", [])]
    replace_widgets(notebook)
    link_pages(notebook, suffix)
    if suffix == ".slides.html":
        pictures_only(notebook)
        drop_notes(notebook)
    collapse_notes(notebook)
    for cell in notebook.cells:  # nbval's markers speak to the test runner, not to readers
        if cell.cell_type == "code":
            cell.source = re.sub(r"^# NBVAL_\w+[^\n]*\n?", "", cell.source, flags=re.M)
    body, _ = exporter.from_notebook_node(notebook, resources={
        "metadata": {"name": title_of(notebook, path.stem), "path": str(path.parent)},
        "course_head": MATHJAX_HEAD.replace("MATHJAX_URL", MATHJAX)})
    return body


def build(kind: str, out: Path, paths: list[Path]) -> list[Path]:
    """Render each notebook with its stored outputs into `out`, plus an index page."""
    out.mkdir(parents=True, exist_ok=True)
    copy_assets(out, ("reveal.js", "mathjax") if kind == "slides" else ("mathjax",))
    exporter = make_exporter(kind)
    suffix = ".slides.html" if kind == "slides" else ".html"
    written, entries = [], []
    for path in paths:
        notebook = nbformat.read(path, as_version=4)
        target = out / (path.stem + suffix)
        target.write_text(render(exporter, notebook, path, suffix), encoding="utf-8")
        written.append(target)
        entries.append((target.name, title_of(notebook, path.stem)))
    what = "slide decks (arrow keys to move, <kbd>s</kbd> for speaker notes)" if kind == "slides" \
        else "notebooks, rendered with their stored outputs"
    (out / "index.html").write_text(index_page(
        "Matrix derivatives for deep learning", entries,
        f"The course's {what}. Everything here works offline."), encoding="utf-8")
    return written


def deck_paths() -> list[Path]:
    """The session decks in teaching order: what `make slides` and `make present` show."""
    return [LECTURE / f"{name}.ipynb" for name in SESSION_DECKS]


def course_pages() -> list[Path]:
    """What `make html` builds: the lessons in order, then the session decks."""
    return notebook_paths() + deck_paths()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=["slides", "html"])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="default: the session decks (slides); notebooks/NN-*.ipynb, then "
                             "the session decks (html)")
    parser.add_argument("--out", type=Path, help="default: build/slides or build/html")
    args = parser.parse_args()
    start = time.perf_counter()
    default = deck_paths() if args.kind == "slides" else course_pages()
    pages = build(args.kind, args.out or ROOT / "build" / args.kind, args.notebooks or default)
    if args.kind == "slides":
        install_present_assets()
    print(f"{len(pages)} {args.kind} pages in {(args.out or ROOT / 'build' / args.kind)} "
          f"({time.perf_counter() - start:.1f} s)")
