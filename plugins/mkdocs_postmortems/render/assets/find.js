/* The finder: the query language of search.py, run in the browser over the build's
   lunr index. The grammar below mirrors search.py clause for clause; keep them identical
   (tests/test_finder_browser.py compares both on the example site). Post-mortem text is
   only ever set with textContent, never as HTML. */
(function () {
  "use strict";
  var root = document.getElementById("pm-find");
  if (!root || !window.lunr) return;

  var FIELDS = ["service", "tag", "severity", "year", "status"];
  var LABELS = { service: "Service", tag: "Tag", severity: "Severity", year: "Year", status: "Status" };
  var CLAUSE = /\s*(-?)(?:([A-Za-z]+):(?=\S))?(?:"([^"]*)"?|([^\s"]+))/y;
  var SPLIT = /[^\p{L}\p{N}]+/u;
  var PAGE = 20;
  var FACET_TOP = 8;
  var REQUIRED = lunr.Query.presence.REQUIRED;
  var OPTIONAL = lunr.Query.presence.OPTIONAL;

  // -- the query language (search.py) -----------------------------------------------
  function tokens(text) {
    return text.toLowerCase().split(SPLIT).filter(Boolean);
  }
  function isStop(word) {
    return lunr.stopWordFilter(new lunr.Token(word)) === undefined;
  }
  function stem(word) {
    return lunr.stemmer(new lunr.Token(word)).toString();
  }
  function unique(list) {
    return list.filter(function (x, i) { return list.indexOf(x) === i; });
  }
  function unknownField(name, raw) {
    var known = FIELDS.map(function (f) { return f + ":"; }).join(", ");
    return 'unknown field "' + name + '" in ' + raw + "; use " + known + ' (or quote the words: "' + raw + '")';
  }
  function parse(text) {
    var clauses = [];
    var position = 0;
    while (position < text.length) {
      CLAUSE.lastIndex = position;
      var match = CLAUSE.exec(text);
      if (!match) break;
      position = CLAUSE.lastIndex;
      var name = match[2];
      var quoted = match[3];
      var value = quoted !== undefined ? quoted : match[4];
      var raw = match[0].trim();
      if (name !== undefined) {
        name = name.toLowerCase();
        if (FIELDS.indexOf(name) < 0) throw new Error(unknownField(name, raw));
        if (!value.trim()) continue;
      }
      clauses.push({ negated: match[1] === "-", field: name === undefined ? null : name,
                     value: value, phrase: quoted !== undefined, raw: raw });
    }
    return clauses;
  }
  function words(clauses, negated) {
    var found = [];
    clauses.forEach(function (c) {
      if (c.field === null && c.negated === negated && (!negated || !c.phrase)) {
        tokens(c.value).forEach(function (t) { if (!isStop(t)) found.push(t); });
      }
    });
    return unique(found);
  }
  function phrases(clauses, negated) {
    return clauses.filter(function (c) {
      return c.field === null && c.phrase && c.negated === negated && tokens(c.value).length;
    }).map(function (c) { return tokens(c.value).join(" "); });
  }
  function filters(clauses, negated) {
    var found = {};
    clauses.forEach(function (c) {
      if (c.field !== null && c.negated === negated) {
        (found[c.field] = found[c.field] || []).push(c.value.toLowerCase());
      }
    });
    return found;
  }

  // -- searching ------------------------------------------------------------------------
  var index = null;
  var docs = [];
  var facts = []; // each document's filter values, lower-cased once

  function lunrScores(list, presence) {
    var stems = list.map(stem);
    var scores = {};
    if (presence === REQUIRED && stems.some(function (s) {
      return !Object.prototype.hasOwnProperty.call(index.invertedIndex, s);
    })) return scores;
    index.query(function (q) {
      stems.forEach(function (s) { q.term(s, { usePipeline: false, presence: presence }); });
    }).forEach(function (r) { scores[r.ref] = r.score; });
    return scores;
  }
  function values(doc) {
    return {
      service: doc[6].map(function (s) { return s.toLowerCase(); }),
      tag: doc[7].map(function (t) { return t.toLowerCase(); }),
      severity: [doc[3].toLowerCase()],
      year: [doc[2].slice(0, 4)],
      status: [doc[4].toLowerCase()],
    };
  }
  function passes(doc, have, want) {
    for (var name in want.filters) {
      if (!want.filters[name].some(function (v) { return have[name].indexOf(v) >= 0; })) return false;
    }
    for (name in want.unfilters) {
      if (want.unfilters[name].some(function (v) { return have[name].indexOf(v) >= 0; })) return false;
    }
    if (!want.phrases.length && !want.unphrases.length) return true;
    var text = " " + tokens(doc[1] + " " + doc[5]).join(" ") + " ";
    if (want.phrases.some(function (p) { return text.indexOf(" " + p + " ") < 0; })) return false;
    return !want.unphrases.some(function (p) { return text.indexOf(" " + p + " ") >= 0; });
  }
  function run(clauses) {
    var wanted = words(clauses, false);
    var unwanted = words(clauses, true);
    var scores = wanted.length ? lunrScores(wanted, REQUIRED) : null;
    var excluded = unwanted.length ? lunrScores(unwanted, OPTIONAL) : {};
    var want = { filters: filters(clauses, false), unfilters: filters(clauses, true),
                 phrases: phrases(clauses, false), unphrases: phrases(clauses, true) };
    var hits = [];
    docs.forEach(function (doc, position) {
      var ref = String(position); // lunr's refs are positions in the document list
      if (scores !== null && !(ref in scores)) return;
      if (ref in excluded || !passes(doc, facts[position], want)) return;
      hits.push({ position: position, score: scores !== null ? scores[ref] : 0 });
    });
    hits.sort(function (a, b) {
      return Math.floor(b.score * 1e6 + 0.5) - Math.floor(a.score * 1e6 + 0.5) || a.position - b.position;
    });
    return hits;
  }

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
        unique(valueList(docs[hit.position], field)).forEach(function (v) { counts[v] = (counts[v] || 0) + 1; });
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
  function valueList(doc, field) {
    if (field === "service") return doc[6];
    if (field === "tag") return doc[7];
    if (field === "severity") return [doc[3]];
    if (field === "year") return [doc[2].slice(0, 4)];
    return [doc[4]];
  }

  function renderHits(hits, clauses) {
    var stems = {};
    words(clauses, false).forEach(function (w) { stems[stem(w)] = true; });
    list.textContent = "";
    hits.slice(0, shown).forEach(function (hit) {
      var doc = docs[hit.position];
      var li = el("li", { class: "pm-find-hit" });
      var head = el("p", { class: "pm-find-head" });
      head.appendChild(el("span", { class: "pm-badge pm-sev pm-sev-" + doc[3].toLowerCase().replace(/[^a-z0-9]+/g, "-") }, doc[3]));
      head.appendChild(document.createTextNode(" "));
      head.appendChild(el("time", { datetime: doc[2] }, doc[2]));
      head.appendChild(document.createTextNode(" "));
      var link = el("a", { href: base + doc[8], "data-pm-id": doc[0], class: "pm-find-link" });
      link.appendChild(highlight(doc[1], stems));
      head.appendChild(link);
      if (doc[4] !== "published") {
        head.appendChild(document.createTextNode(" "));
        head.appendChild(el("span", { class: "pm-badge pm-status pm-status-" + doc[4] }, doc[4]));
      }
      li.appendChild(head);
      var summary = el("p", { class: "pm-summary" });
      summary.appendChild(highlight(doc[5], stems));
      li.appendChild(summary);
      var meta = el("p", { class: "pm-find-meta" });
      doc[6].forEach(function (s) { meta.appendChild(el("span", { class: "pm-chip" }, s)); meta.appendChild(document.createTextNode(" ")); });
      doc[7].forEach(function (t) { meta.appendChild(el("span", { class: "pm-chip pm-tag" }, "#" + t)); meta.appendChild(document.createTextNode(" ")); });
      li.appendChild(meta);
      list.appendChild(li);
    });
    if (hits.length > shown) {
      var li = el("li", { class: "pm-find-more" });
      var more = el("button", { type: "button", class: "md-button" }, "Show " + Math.min(PAGE, hits.length - shown) + " more");
      more.addEventListener("click", function () {
        shown += PAGE;
        render(input.value);
        var links = list.querySelectorAll("a.pm-find-link");
        if (links[shown - PAGE]) links[shown - PAGE].focus();
      });
      li.appendChild(more);
      list.appendChild(li);
    }
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
      return;
    }
    errorBox.hidden = true;
    input.removeAttribute("aria-invalid");
    var hits = run(clauses);
    renderFacets(hits, clauses);
    renderHits(hits, clauses);
    emptyBox.hidden = hits.length > 0;
    if (!hits.length) renderEmpty(clauses);
    var noun = hits.length === 1 ? " post-mortem" : " post-mortems";
    statusBox.textContent = !hits.length ? "No post-mortem matches this search."
      : hits.length > shown
      ? "Showing " + shown + " of " + hits.length + noun + "."
      : hits.length + noun + (text.trim() ? (hits.length === 1 ? " matches." : " match.") : ", newest first.");
  }

  function results(text) {
    return run(parse(text)).map(function (hit) { return docs[hit.position][0]; });
  }

  function start(indexJson, docsJson) {
    index = lunr.Index.load(indexJson);
    docs = docsJson.docs;
    facts = docs.map(values);
    severities = docsJson.severities;
    document.getElementById("pm-find-nojs").hidden = true;
    root.classList.add("pm-find-ready");
    input.value = currentQuery();
    render(input.value);
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
    root.setAttribute("data-ready", "true");
  }

  function load(url) {
    return fetch(url).then(function (response) {
      if (!response.ok) throw new Error(url + ": " + response.status);
      return response.json();
    });
  }
  Promise.all([load(root.getAttribute("data-index")), load(root.getAttribute("data-docs"))])
    .then(function (data) { start(data[0], data[1]); })
    .catch(function (error) {
      errorBox.textContent = "The search index could not be loaded (" + error.message + ").";
      errorBox.hidden = false;
    });
})();
