/* The header search box, answered from the finder's index in the finder's query language.

   Material for MkDocs runs its search in a web worker and lets a site give its own (the
   "search" URL of the page's __config, which the plugin points here). The messages are
   Material's: SETUP (0) with its own small index, of the pages that are not post-mortems,
   answered READY (1); QUERY (2) with the typed text, answered RESULT (3) with groups of
   {location, title, text, score, terms}. Material inserts title and text as HTML, so every
   string from a post-mortem is escaped here. */
"use strict";
importScripts("lunr.js", "finder-core.js");

var SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
var LIMIT = 50; // post-mortems listed; the finder (/find/) shows them all
var core = self.pmFinderCore;
var finder = null; // made on the first query: Material sets the worker up on every page load
var latest = 0; // a query typed while an earlier one waits for its shards replaces it
var pages = []; // Material's index: generated listings, the home page, reading lists, guides

function escape(text) {
  return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}
// Escaped text with the words whose stem was asked for in <mark>.
function highlight(text, stems) {
  return String(text).split(/([^\p{L}\p{N}]+)/u).map(function (part, i) {
    var safe = escape(part);
    return i % 2 === 0 && part && stems[core.stem(part.toLowerCase())] ? "<mark>" + safe + "</mark>" : safe;
  }).join("");
}
function plain(html) {
  return html.replace(/<[^>]*>/g, " ").replace(/&[a-z#0-9]+;/gi, " ");
}

// Pages from Material's own index whose title (or, ranked lower, text) holds every word.
function pageGroups(wanted, byTitle) {
  if (!wanted.length) return [];
  var groups = {};
  var order = [];
  pages.forEach(function (doc) {
    var have = {};
    core.tokens(plain(doc.title) + (byTitle ? "" : " " + plain(doc.text || "")))
      .forEach(function (t) { have[core.stem(t)] = true; });
    var inTitle = wanted.every(function (w) { return have[core.stem(w)]; });
    if (!inTitle) return;
    var path = doc.location.split("#")[0];
    if (!groups[path]) { groups[path] = []; order.push(path); }
    groups[path].push({ location: doc.location, title: doc.title, text: doc.text || "",
                        score: byTitle ? 2 : 0.5, terms: terms(wanted) });
  });
  return order.map(function (path) {
    var items = groups[path];
    if (!items.some(function (d) { return d.location === path; })) {
      var parent = pages.filter(function (d) { return d.location === path; })[0];
      if (parent) items.push({ location: path, title: parent.title, text: "", score: 0, terms: {} });
    }
    return items;
  });
}
function terms(wanted) {
  var out = {};
  wanted.forEach(function (w) { out[w] = true; });
  return out;
}

function answer(text) {
  var clauses;
  try {
    clauses = core.parse(text);
  } catch (error) {
    return Promise.resolve({ items: [] });
  }
  if (!clauses.length) return Promise.resolve({ items: [] });
  if (!finder) finder = new core.Finder(new URL("../../", self.location.href).href);
  var wanted = core.words(clauses, false);
  var hasFilters = clauses.some(function (c) { return c.field !== null || c.negated || c.phrase; });
  return finder.prepare(clauses).then(function () {
    var stems = {};
    wanted.forEach(function (w) { stems[core.stem(w)] = true; });
    var found = finder.run(clauses).slice(0, LIMIT).map(function (hit) {
      var doc = finder.docs[hit.position];
      return [{
        location: doc[8],
        title: highlight(doc[1], stems),
        text: "<p>" + escape(doc[0] + " · " + doc[2] + " · " + doc[3]) + "</p><p>" + highlight(doc[5], stems) + "</p>",
        tags: doc[6].concat(doc[7].map(function (t) { return "#" + t; })).map(escape),
        score: hit.score || 1,
        terms: terms(wanted),
      }];
    });
    var titled = hasFilters ? [] : pageGroups(wanted, true);
    var seen = {};
    titled.forEach(function (g) { seen[g[0].location.split("#")[0]] = true; });
    var other = hasFilters ? [] : pageGroups(wanted, false).filter(function (g) {
      return !seen[g[0].location.split("#")[0]];
    });
    return { items: titled.concat(found, other) };
  });
}

self.addEventListener("message", function (event) {
  var message = event.data;
  if (message.type === SETUP) {
    pages = (message.data && message.data.docs) || [];
    self.postMessage({ type: READY });
  } else if (message.type === QUERY) {
    var ticket = ++latest;
    answer(String(message.data || "")).then(function (result) {
      if (ticket === latest) self.postMessage({ type: RESULT, data: result });
    }, function () {
      if (ticket === latest) self.postMessage({ type: RESULT, data: { items: [] } });
    });
  }
});
