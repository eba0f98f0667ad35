/* The finder's query language and scoring, shared by /find/ (find.js) and the header search
   box (search-worker.js). It mirrors search.py clause for clause and does the same arithmetic
   in the same order, so the CLI and the browser list the same ids in the same order
   (tests/test_finder_browser.py compares them). Needs lunr.js (its stemmer and stop words).

   The index is loaded in pieces: the document list, a directory of shard first-words, and
   only the shards that hold a query's words. */
(function (scope) {
  "use strict";
  var lunr = scope.lunr;
  var FIELDS = ["service", "tag", "severity", "year", "status"];
  var CLAUSE = /\s*(-?)(?:([A-Za-z]+):(?=\S))?(?:"([^"]*)"?|([^\s"]+))/y;
  var SPLIT = /[^\p{L}\p{N}]+/u;

  function tokens(text) {
    return text.toLowerCase().split(SPLIT).filter(Boolean);
  }
  function isStop(word) {
    return lunr.stopWordFilter(new lunr.Token(word)) === undefined;
  }
  var stems = {};
  function stem(word) {
    if (!Object.prototype.hasOwnProperty.call(stems, word)) {
      stems[word] = lunr.stemmer(new lunr.Token(word)).toString();
    }
    return stems[word];
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

  function load(url) {
    return fetch(url).then(function (response) {
      if (!response.ok) throw new Error(url + ": " + response.status);
      return response.json();
    });
  }

  /* The index under `base` (the site root URL): documents, shard directory, shards. */
  function Finder(base) {
    this.base = base;
    this.docs = [];
    this.facts = [];
    this.severities = [];
    this.firsts = [];
    this.shards = {};
    var self = this;
    // the shard directory is tiny: a query's shards load while the documents still do
    this.directory = load(base + "search/postmortems-terms.json").then(function (data) {
      self.firsts = data.shards;
    });
    this.ready = Promise.all([load(base + "search/postmortems-docs.json"), this.directory])
      .then(function (data) {
        self.docs = data[0].docs;
        self.severities = data[0].severities;
        self.facts = self.docs.map(values);
      });
  }
  // The shard holding `word`'s postings: the last whose first word is <= it (UTF-16 order).
  Finder.prototype.shardOf = function (word) {
    var lo = 0, hi = this.firsts.length - 1, found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (this.firsts[mid] <= word) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found;
  };
  Finder.prototype.needed = function (clauses) {
    var self = this;
    return words(clauses, false).concat(words(clauses, true)).map(stem)
      .map(function (s) { return self.shardOf(s); })
      .filter(function (n, i, all) { return n >= 0 && all.indexOf(n) === i; });
  };
  // True when `run` can answer `clauses` now, without loading anything.
  Finder.prototype.loaded = function (clauses) {
    var self = this;
    return this.docs.length > 0 && this.needed(clauses).every(function (n) {
      return self.shards[n] && !self.shards[n].then;
    });
  };
  // Loads what `clauses` need; resolves when `run` can answer them.
  Finder.prototype.prepare = function (clauses) {
    var self = this;
    var shards = this.directory.then(function () {
      return Promise.all(self.needed(clauses).map(function (n) {
        if (!self.shards[n]) {
          self.shards[n] = load(self.base + "search/postmortems/" + n + ".json")
            .then(function (data) { self.shards[n] = data; return data; });
        }
        return self.shards[n];
      }));
    });
    return Promise.all([this.ready, shards]).then(function () { return self; });
  };
  Finder.prototype.postings = function (s) {
    var n = this.shardOf(s);
    var shard = n >= 0 ? this.shards[n] : null;
    // while a shard loads, its slot holds the promise; `prepare` waits for the data
    return shard && !shard.then && Object.prototype.hasOwnProperty.call(shard, s) ? shard[s] : null;
  };
  // search.scores: lunr's score of every document holding all the words.
  Finder.prototype.scores = function (list) {
    var counts = {};
    list.forEach(function (w) { var s = stem(w); counts[s] = (counts[s] || 0) + 1; });
    var keys = Object.keys(counts).sort();
    var self = this;
    var lists = keys.map(function (s) { return self.postings(s); });
    if (!keys.length || lists.some(function (l) { return l === null; })) return {};
    var length = Math.sqrt(keys.reduce(function (sum, s) { return sum + counts[s] * counts[s]; }, 0));
    var holders = null;
    lists.forEach(function (found) {
      var docs = {};
      found.forEach(function (flat) { for (var i = 0; i < flat.length; i += 2) docs[flat[i]] = true; });
      if (holders === null) holders = docs;
      else for (var d in holders) if (!docs[d]) delete holders[d];
    });
    var result = {};
    for (var field = 0; field < lists[0].length; field++) {
      var dots = {};
      var order = [];
      keys.forEach(function (s, k) {
        var flat = lists[k][field];
        for (var i = 0; i < flat.length; i += 2) {
          var doc = flat[i];
          if (!holders[doc]) continue;
          if (!(doc in dots)) { dots[doc] = 0; order.push(doc); }
          dots[doc] = dots[doc] + counts[s] * flat[i + 1];
        }
      });
      order.forEach(function (doc) { result[doc] = (result[doc] || 0) + dots[doc] / length; });
    }
    return result;
  };
  Finder.prototype.holdingAny = function (list) {
    var found = {};
    var self = this;
    list.forEach(function (w) {
      (self.postings(stem(w)) || []).forEach(function (flat) {
        for (var i = 0; i < flat.length; i += 2) found[flat[i]] = true;
      });
    });
    return found;
  };
  // search.run: the hits of parsed clauses, best first (newest first without words).
  Finder.prototype.run = function (clauses) {
    var wanted = words(clauses, false);
    var scores = wanted.length ? this.scores(wanted) : null;
    var excluded = this.holdingAny(words(clauses, true));
    var want = { filters: filters(clauses, false), unfilters: filters(clauses, true),
                 phrases: phrases(clauses, false), unphrases: phrases(clauses, true) };
    var hits = [];
    var facts = this.facts;
    this.docs.forEach(function (doc, position) {
      if (scores !== null && !(position in scores)) return;
      if (excluded[position] || !passes(doc, facts[position], want)) return;
      hits.push({ position: position, score: scores !== null ? scores[position] : 0 });
    });
    hits.sort(function (a, b) {
      return Math.floor(b.score * 1e6 + 0.5) - Math.floor(a.score * 1e6 + 0.5) || a.position - b.position;
    });
    return hits;
  };
  // Parse, load what is needed, run: resolves with the hits (a bad query rejects).
  Finder.prototype.search = function (text) {
    var clauses = parse(text);
    var self = this;
    return this.prepare(clauses).then(function () { return self.run(clauses); });
  };

  scope.pmFinderCore = {
    FIELDS: FIELDS, Finder: Finder, parse: parse, words: words, filters: filters,
    tokens: tokens, stem: stem, unique: unique,
  };
})(typeof self !== "undefined" ? self : this);
