// Split every slide that is taller than the slide box, or carries more words than an audience
// reads while listening, into sub-slides, then start reveal.js. A slide is a run of cells; a
// markdown cell may break between its paragraphs, a code cell (with its output) never. Each continuation gets a small "… continued" line with the slide's
// heading. A single piece still taller than a slide is scaled down to fit, never below MIN_ZOOM
// (tests/browser/test_decks_fit.py then fails, so such a cell must be shortened in the notebook).
function courseFitThenStart(options) {
    var MIN_ZOOM = 0.6, HEADROOM = 44;  // HEADROOM: the "continued" line of a continuation
    var WORDS = 60;  // per slide; a single paragraph longer than that keeps its slide to itself
    var reveal = document.querySelector(".reveal");
    // reveal.js scales the whole slide box to the screen; the slack covers formulas that MathJax
    // sets again, slightly taller, when their slide is shown
    var budget = options.height - 40;

    function words(el) {
        return (el.innerText || "").split(/\s+/).filter(function (w) { return /\w/.test(w); })
            .length;
    }

    // An explorer's snapshot cut into three pieces: its controls, its picture (alone, so it can
    // take the slide's width: its labels stay at 16 px or more), and its readout with the note.
    function snapshotPieces(section, cell) {
        var box = cell.querySelector(".course-widget-snapshot > div");
        var figure = box && box.querySelector(":scope > img.course-snapshot-figure");
        if (!figure) { return false; }
        var at = Array.prototype.indexOf.call(box.children, figure);
        [[0, at], [at, at + 1], [at + 1, box.children.length]].forEach(function (range, k) {
            var copy = cell.cloneNode(true);
            var kept = copy.querySelector(".course-widget-snapshot > div");
            Array.prototype.slice.call(kept.children).forEach(function (el, i) {
                if (i < range[0] || i >= range[1]) { el.remove(); }
            });
            if (k < 2) { copy.querySelector(".course-widget-note").remove(); }
            if (k === 1) { copy.classList.add("course-picture-cell"); }
            if (kept.children.length || k === 2) { section.insertBefore(copy, cell); }
        });
        section.removeChild(cell);
        return true;
    }

    function pieces(section) {  // markdown cells cut into one cell per block (p, ul, math, ...)
        Array.prototype.slice.call(section.children).forEach(function (child) {
            if (child.querySelector(".course-widget-snapshot") && snapshotPieces(section, child)) {
                return;
            }
            var rendered = child.classList.contains("jp-MarkdownCell")
                && child.querySelector(".jp-RenderedMarkdown");
            if (!rendered || rendered.children.length < 2) { return; }
            Array.prototype.slice.call(rendered.children).forEach(function (block) {
                var copy = child.cloneNode(true);
                var target = copy.querySelector(".jp-RenderedMarkdown");
                target.innerHTML = "";
                target.appendChild(block);
                section.insertBefore(copy, child);
            });
            section.removeChild(child);
        });
    }

    function isHeading(unit) {
        var rendered = unit.querySelector(".jp-RenderedMarkdown");
        return !!rendered && rendered.children.length === 1
            && /^H[1-6]$/.test(rendered.children[0].tagName);
    }

    function opensWithHeading(unit) {  // a piece that starts with its own heading needs no "continued"
        var rendered = unit.querySelector(".jp-RenderedMarkdown");
        return !!rendered && !!rendered.firstElementChild
            && /^H[1-6]$/.test(rendered.firstElementChild.tagName);
    }

    function heading(section) {  // a copy of the slide's heading, formulas as MathJax drew them
        var found = section.querySelector("h1, h2, h3, h4");
        if (!found) { return null; }
        var copy = document.createElement("div");
        copy.innerHTML = found.innerHTML;
        copy.querySelectorAll("script, .MathJax_Preview, .anchor-link, .MJX_Assistive_MathML")
            .forEach(function (el) { el.remove(); });
        copy.querySelectorAll("[id]").forEach(function (el) { el.removeAttribute("id"); });
        return copy.innerHTML;
    }

    function split(section) {
        pieces(section);
        var units = Array.prototype.slice.call(section.children).filter(function (el) {
            return !el.matches("aside.notes");
        });
        var chunks = [], current = [], top = 0, room = budget, said = 0;
        units.forEach(function (unit) {
            var bottom = unit.offsetTop + unit.offsetHeight, more = words(unit);
            var last = current[current.length - 1];
            // words alone never part a heading or a lead-in ending in ":" from what follows
            var wordy = said + more > WORDS && !current.every(isHeading)
                && !/:\s*$/.test(last ? last.innerText : "");
            if (current.length && (bottom - top > room || wordy)) {
                chunks.push(current);
                current = [];
                room = budget - HEADROOM;
                said = 0;
            }
            if (!current.length) { top = unit.offsetTop; }
            current.push(unit);
            said += more;
        });
        if (current.length) { chunks.push(current); }
        var title = heading(section), after = section;
        chunks.slice(1).forEach(function (chunk) {
            var next = document.createElement("section");
            if (title && !opensWithHeading(chunk[0])) {
                var note = document.createElement("div");
                note.className = "course-continued";
                note.innerHTML = title + " (continued)";
                next.appendChild(note);
            }
            chunk.forEach(function (unit) { next.appendChild(unit); });
            after.parentNode.insertBefore(next, after.nextSibling);
            after = next;
        });
    }

    function shrinkTall(section) {  // one piece taller than a slide on its own
        if (section.scrollHeight <= budget) { return; }
        Array.prototype.slice.call(section.children).forEach(function (unit) {
            var room = budget - (section.scrollHeight - unit.offsetHeight);
            if (unit.offsetHeight > room && room > 0) {
                unit.style.zoom = Math.max(MIN_ZOOM, room / unit.offsetHeight).toFixed(3);
            }
        });
    }

    function fit() {
        var slides = reveal.querySelectorAll(".slides > section > section");
        Array.prototype.slice.call(slides).forEach(split);
        Array.prototype.slice.call(reveal.querySelectorAll(".slides > section > section"))
            .forEach(shrinkTall);
        reveal.classList.remove("course-measuring");
        Reveal.initialize(options);
        Reveal.on("slidechanged", function (event) {
            if (window.MathJax && MathJax.Hub) {
                MathJax.Hub.Queue(["Rerender", MathJax.Hub, event.currentSlide]);
            }
        });
    }

    reveal.classList.add("course-measuring");
    if (window.MathJax && MathJax.Hub) {  // after the formulas are typeset: their heights are real
        MathJax.Hub.Register.StartupHook("End", function () {
            document.fonts.ready.then(function () { MathJax.Hub.Queue(fit); });
        });
    } else {
        window.addEventListener("load", function () { document.fonts.ready.then(fit); });
    }
}
