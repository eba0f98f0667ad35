/* The finder page: the query language of search.py (finder-core.js, shared with the header
   search box) over the build's sharded index. Results and facets come from the facts file;
   only the text chunks of the results shown are loaded. Post-mortem text is only ever set
   with textContent, never as HTML. */
(function () {
  "use strict";
  var root = document.getElementById("pm-find");
  if (!root || !window.lunr || !window.pmFinderCore) return;

  var core = window.pmFinderCore;
  var FIELDS = core.FIELDS;
  var LABELS = { service: "Service", tag: "Tag", severity: "Severity", year: "Year", status: "Status" };
  var PAGE = 20;
  var FACET_TOP = 8;
  var parse = core.parse;
  var words = core.words;
  var filters = core.filters;
  var stem = core.stem;
  var unique = core.unique;
  var finder = new core.Finder(root.getAttribute("data-root"));

  // -- the page ---------------------------------------------------------------------------
  var form = root.querySelector("form");
  var input = document.getElementById("pm-find-q");
  var errorBox = document.getElementById("pm-find-error");
  var facetsBox = document.getElementById("pm-find-facets");
  var statusBox = document.getElementById("pm-find-status");
  var emptyBox = document.getElementById("pm-find-empty");
  var list = document.getElementById("pm-find-results");
  var base = root.getAttribute("data-root");
  var shown = PAGE;
  var expanded = {};
  var severities = [];

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var key in attrs || {}) node.setAttribute(key, attrs[key]);
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function highlight(text, stems) {
    var frag = document.createDocumentFragment();
    text.split(/([^\p{L}\p{N}]+)/u).forEach(function (part, i) {
      if (i % 2 === 0 && part && stems[stem(part.toLowerCase())]) frag.appendChild(el("mark", {}, part));
      else if (part) frag.appendChild(document.createTextNode(part));
    });
    return frag;
  }
  function quote(value) {
    return /[\s"]/.test(value) ? '"' + value.replace(/"/g, "") + '"' : value;
  }
  function currentQuery() {
    return new URLSearchParams(location.search).get("query") || "";
  }
  function go(text, push) {
    var url = new URL(location.href);
    if (text.trim()) url.searchParams.set("query", text.trim());
    else url.searchParams.delete("query");
    if (url.href !== location.href) history[push ? "pushState" : "replaceState"](null, "", url);
    shown = PAGE;
    render(text);
  }
  function without(clauses, drop) {
    return clauses.filter(function (c) { return drop.indexOf(c) < 0; })
      .map(function (c) { return c.raw; }).join(" ");
  }
  function toggle(field, value) {
    var clauses = parse(input.value);
    var same = clauses.filter(function (c) {
      return c.field === field && !c.negated && c.value.toLowerCase() === value.toLowerCase();
    });
    var text = same.length ? without(clauses, same) : (input.value.trim() + " " + field + ":" + quote(value)).trim();
    input.value = text;
    go(text, true);
  }

  function renderFacets(hits, clauses) {
    var selected = filters(clauses, false);
    // Rebuilding the buttons must not drop the keyboard focus: find the same one again.
    var active = document.activeElement;
    var focus = active && facetsBox.contains(active)
      ? { field: active.getAttribute("data-field"), value: active.getAttribute("data-value"),
          more: active.classList.contains("pm-facet-more") } : null;
    facetsBox.textContent = "";
    FIELDS.forEach(function (field) {
      var counts = {};
      hits.forEach(function (hit) {
        unique(finder.values(hit.position, field)).forEach(function (v) { counts[v] = (counts[v] || 0) + 1; });
      });
      (selected[field] || []).forEach(function (v) {
        var known = Object.keys(counts).filter(function (k) { return k.toLowerCase() === v; })[0];
        if (!known) counts[v] = 0;
      });
      var names = Object.keys(counts);
      names.sort(function (a, b) {
        if (field === "severity") return severities.indexOf(a) - severities.indexOf(b) || (a < b ? -1 : 1);
        if (field === "year") return a < b ? 1 : -1;
        return counts[b] - counts[a] || (a.toLowerCase() < b.toLowerCase() ? -1 : 1);
      });
      if (!names.length) return;
      var section = el("section", { class: "pm-facet", "data-field": field });
      var heading = el("h2", { class: "pm-facet-title", id: "pm-facet-" + field }, LABELS[field]);
      section.appendChild(heading);
      var ul = el("ul", { "aria-labelledby": "pm-facet-" + field });
      var limit = expanded[field] ? names.length : FACET_TOP;
      names.forEach(function (name, i) {
        var on = (selected[field] || []).indexOf(name.toLowerCase()) >= 0;
        if (i >= limit && !on) return;
        var button = el("button", { type: "button", class: "pm-facet-value", "aria-pressed": on ? "true" : "false",
                                     "data-field": field, "data-value": name });
        button.appendChild(el("span", {}, (field === "tag" ? "#" : "") + name));
        button.appendChild(document.createTextNode(" "));
        button.appendChild(el("span", { class: "pm-count", "aria-label": counts[name] + " results" }, String(counts[name])));
        button.addEventListener("click", function () { toggle(field, name); });
        var li = el("li");
        li.appendChild(button);
        ul.appendChild(li);
      });
      section.appendChild(ul);
      if (names.length > FACET_TOP) {
        var more = el("button", { type: "button", class: "pm-facet-more", "data-field": field,
                                  "aria-expanded": expanded[field] ? "true" : "false" },
                      expanded[field] ? "Fewer" : "All " + names.length);
        more.addEventListener("click", function () { expanded[field] = !expanded[field]; render(input.value); });
        section.appendChild(more);
      }
      facetsBox.appendChild(section);
    });
    if (focus) {
      var again = Array.prototype.filter.call(facetsBox.querySelectorAll("button"), function (b) {
        return b.getAttribute("data-field") === focus.field &&
          (focus.more ? b.classList.contains("pm-facet-more") : b.getAttribute("data-value") === focus.value);
      })[0];
      if (again) again.focus();
    }
  }
  // The positions of the results on the page: their text chunks are all it loads.
  function onPage(hits) {
    return hits.slice(0, shown).map(function (hit) { return hit.position; });
  }

  function hitItem(hit, stems) {
    var doc = finder.doc(hit.position);
    var li = el("li", { class: "pm-find-hit" });
    var head = el("p", { class: "pm-find-head" });
    head.appendChild(el("span", { class: "pm-badge pm-sev pm-sev-" + doc.severity.toLowerCase().replace(/[^a-z0-9]+/g, "-") }, doc.severity));
    head.appendChild(document.createTextNode(" "));
    head.appendChild(el("time", { datetime: doc.date }, doc.date));
    head.appendChild(document.createTextNode(" "));
    var link = el("a", { href: base + doc.url, "data-pm-id": doc.id, class: "pm-find-link" });
    link.appendChild(highlight(doc.title, stems));
    head.appendChild(link);
    if (doc.status !== "published") {
      head.appendChild(document.createTextNode(" "));
      head.appendChild(el("span", { class: "pm-badge pm-status pm-status-" + doc.status }, doc.status));
    }
    li.appendChild(head);
    var summary = el("p", { class: "pm-summary" });
    summary.appendChild(highlight(doc.summary, stems));
    li.appendChild(summary);
    var meta = el("p", { class: "pm-find-meta" });
    doc.services.forEach(function (s) { meta.appendChild(el("span", { class: "pm-chip" }, s)); meta.appendChild(document.createTextNode(" ")); });
    doc.tags.forEach(function (t) { meta.appendChild(el("span", { class: "pm-chip pm-tag" }, "#" + t)); meta.appendChild(document.createTextNode(" ")); });
    li.appendChild(meta);
    return li;
  }
  function moreItem(hits) {
    var li = el("li", { class: "pm-find-more" });
    var more = el("button", { type: "button", class: "md-button" }, "Show " + Math.min(PAGE, hits.length - shown) + " more");
    more.addEventListener("click", function () {
      shown += PAGE;
      var first = shown - PAGE;
      render(input.value).then(function () {  // the next page's text may have to load first
        var links = list.querySelectorAll("a.pm-find-link");
        if (links[first]) links[first].focus();
      });
    });
    li.appendChild(more);
    return li;
  }

  function renderEmpty(clauses) {
    emptyBox.textContent = "";
    if (!clauses.length) {
      emptyBox.appendChild(el("p", {}, "The archive has no published post-mortems yet."));
      return;
    }
    emptyBox.appendChild(el("p", {}, "Try fewer words, or drop a part of the query:"));
    var ul = el("ul", { class: "pm-find-drops" });
    clauses.forEach(function (clause) {
      var button = el("button", { type: "button", class: "md-button pm-find-drop" }, "Drop " + clause.raw);
      button.addEventListener("click", function () {
        var current = parse(input.value);
        var text = without(current, current.filter(function (c) { return c.raw === clause.raw; }));
        input.value = text;
        go(text, true);
        input.focus();
      });
      var li = el("li");
      li.appendChild(button);
      ul.appendChild(li);
    });
    emptyBox.appendChild(ul);
  }

  function render(text) {
    var clauses;
    try {
      clauses = parse(text);
    } catch (error) {
      errorBox.textContent = error.message;
      errorBox.hidden = false;
      input.setAttribute("aria-invalid", "true");
      statusBox.textContent = "";
      list.textContent = "";
      emptyBox.hidden = true;
      return Promise.resolve();
    }
    errorBox.hidden = true;
    input.removeAttribute("aria-invalid");
    var ticket = ++rendering;
    if (finder.loaded(clauses)) return display(ticket, text, clauses, finder.run(clauses));
    statusBox.textContent = "Searching…";
    return finder.prepare(clauses).then(function () {
      if (ticket === rendering) return display(ticket, text, clauses, finder.run(clauses));
      return null;
    }, failed);
  }
  var rendering = 0;

  // Shows `hits`, the results of the page as their text arrives, in rank order: the first
  // ones show once their chunk has loaded, not after every chunk of the page.
  function display(ticket, text, clauses, hits) {
    var positions = onPage(hits);
    var stems = {};
    words(clauses, false).forEach(function (w) { stems[stem(w)] = true; });
    var listed = -1; // results in the list; -1 until the first of them can be shown
    function update() {
      if (ticket !== rendering || listed === positions.length) return;
      if (listed < 0) {
        if (positions.length && finder.text(positions[0]) === null) return;
        show(text, clauses, hits);
        listed = 0;
      }
      while (listed < positions.length && finder.text(positions[listed]) !== null) {
        list.appendChild(hitItem(hits[listed], stems));
        listed++;
      }
      if (listed === positions.length && hits.length > shown) list.appendChild(moreItem(hits));
    }
    update();
    if (listed === positions.length) return Promise.resolve();
    return Promise.all(positions.map(function (position) {
      return finder.loadText([position]).then(update);
    })).then(function () {}, failed);
  }

  // Facets, status and an empty list (display fills it).
  function show(text, clauses, hits) {
    renderFacets(hits, clauses);
    list.textContent = "";
    emptyBox.hidden = hits.length > 0;
    if (!hits.length) renderEmpty(clauses);
    var noun = hits.length === 1 ? " post-mortem" : " post-mortems";
    statusBox.textContent = !hits.length ? "No post-mortem matches this search."
      : hits.length > shown
      ? "Showing " + shown + " of " + hits.length + noun + "."
      : hits.length + noun + (text.trim() ? (hits.length === 1 ? " matches." : " match.") : ", newest first.");
  }

  function results(text) {
    return finder.search(text).then(function (hits) {
      return hits.map(function (hit) { return finder.id(hit.position); });
    });
  }
  function failed(error) {
    errorBox.textContent = "The search index could not be loaded (" + error.message + ").";
    errorBox.hidden = false;
  }

  function start() {
    severities = finder.severities;
    document.getElementById("pm-find-nojs").hidden = true;
    root.classList.add("pm-find-ready");
    input.value = currentQuery();
    var first = render(input.value);
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { go(input.value, false); }, 120);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearTimeout(timer);
      go(input.value, true);
    });
    window.addEventListener("popstate", function () {
      input.value = currentQuery();
      shown = PAGE;
      render(input.value);
    });
    // Arrow keys: from the box into the results and between them (Tab works as usual).
    root.addEventListener("keydown", function (event) {
      if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
      var links = Array.prototype.slice.call(list.querySelectorAll("a.pm-find-link"));
      var at = links.indexOf(document.activeElement);
      if (document.activeElement === input && event.key === "ArrowDown" && links.length) {
        links[0].focus();
      } else if (at >= 0) {
        var next = event.key === "ArrowDown" ? at + 1 : at - 1;
        if (next < 0) input.focus();
        else if (links[next]) links[next].focus();
      } else {
        return;
      }
      event.preventDefault();
    });
    window.pmFinder = { search: results, parse: parse };
    Promise.resolve(first).then(function () { root.setAttribute("data-ready", "true"); });
  }

  try {  // the shards of the query in the URL load while the facts still do
    finder.prepare(parse(currentQuery())).catch(function () {});
  } catch (error) {
    // a query that does not parse: render() shows why
  }
  finder.ready.then(start, failed);
})();
