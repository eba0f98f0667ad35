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
// Post-mortems listed; the finder (/find/) shows them all. Material shows the first 10 at
// once and more as the list scrolls; each listed result loads its text chunk, and ranked
// results are scattered over the archive, so every one costs a request.
var LIMIT = 20;
var FIRST = 10; // what Material shows before the reader scrolls
var core = self.pmFinderCore;
var finder = null; // made at SETUP, like Material's own index: the facts and the shard
                   // directory (a few hundred KB at 10,000, cached) load before the first key
var latest = 0; // a query typed while an earlier one waits for its shards replaces it
var pages = []; // Material's index: generated listings, the home page, reading lists, guides
var pageStems = []; // per page: {title, all} stems (indexPages)

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

// The stems of each page's title, and of its title and text: worked out once, at SETUP,
// while the reader has not typed yet (stemming every page's text took a few hundred ms).
function indexPages() {
  pageStems = pages.map(function (doc) {
    var title = {};
    var all = {};
    core.tokens(plain(doc.title)).forEach(function (t) { title[core.stem(t)] = all[core.stem(t)] = true; });
    core.tokens(plain(doc.text || "")).forEach(function (t) { all[core.stem(t)] = true; });
    return { title: title, all: all };
  });
}

// Pages from Material's own index whose title (or, ranked lower, text) holds every word.
function pageGroups(wanted, byTitle) {
  if (!wanted.length) return [];
  var groups = {};
  var order = [];
  pages.forEach(function (doc, i) {
    var have = byTitle ? pageStems[i].title : pageStems[i].all;
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

// Answers a query through `send(result)`: first with the results Material shows at once
// (FIRST, so the reader sees them after a few small chunks), then with all of them.
function answer(text, send) {
  var clauses;
  try {
    clauses = core.parse(text);
  } catch (error) {
    send({ items: [] });
    return Promise.resolve();
  }
  if (!clauses.length) {
    send({ items: [] });
    return Promise.resolve();
  }
  if (!finder) start();
  var wanted = core.words(clauses, false);
  var hasFilters = clauses.some(function (c) { return c.field !== null || c.negated || c.phrase; });
  var stems = {};
  wanted.forEach(function (w) { stems[core.stem(w)] = true; });
  function result(hits, total) {
    var found = hits.map(function (hit) {
      var doc = finder.doc(hit.position);
      return [{
        location: doc.url,
        title: highlight(doc.title, stems),
        text: "<p>" + escape(doc.id + " · " + doc.date + " · " + doc.severity) + "</p><p>" + highlight(doc.summary, stems) + "</p>",
        tags: doc.services.concat(doc.tags.map(function (t) { return "#" + t; })).map(escape),
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
    return { items: titled.concat(found, allInFind(total), other) };
  }
  // Past LIMIT, a last result that says how many match and opens them all in the finder
  // (Material counts the results it was given, so its own count stops at the box's list).
  function allInFind(total) {
    if (total <= LIMIT) return [];
    return [[{
      location: finder.findUrl + "?query=" + encodeURIComponent(text),
      title: escape("All " + total + " matching post-mortems, in Find"),
      text: "<p>" + escape("This box lists the first " + LIMIT + ". Find lists every match, " +
        "with counts by service, tag, severity and year.") + "</p>",
      score: 0,
      terms: {},
    }]];
  }
  function positions(hits) {
    return hits.map(function (hit) { return hit.position; });
  }
  return finder.prepare(clauses).then(function () {
    // the text of the listed results only: a few small chunks, not the whole archive's
    var all = finder.run(clauses);
    var hits = all.slice(0, LIMIT);
    var first = hits.slice(0, FIRST);
    return finder.loadText(positions(first)).then(function () {
      if (hits.length > first.length) send(result(first, all.length));
      return finder.loadText(positions(hits));
    }).then(function () {
      send(result(hits, all.length));
    });
  });
}

function start() {
  finder = new core.Finder(new URL("../../", self.location.href).href);
  finder.ready.catch(function () {}); // a failed load is reported by the query that needs it
}

self.addEventListener("message", function (event) {
  var message = event.data;
  if (message.type === SETUP) {
    pages = (message.data && message.data.docs) || [];
    if (!finder) start();
    self.postMessage({ type: READY });
    indexPages();
  } else if (message.type === QUERY) {
    var ticket = ++latest;
    var sent = false;
    var send = function (result) {
      sent = true;
      if (ticket === latest) self.postMessage({ type: RESULT, data: result });
    };
    answer(String(message.data || ""), send).catch(function () {
      if (!sent) send({ items: [] }); // the first results stay when the rest fail to load
    });
  }
});
