/* The finder's query language and scoring, shared by /find/ (find.js) and the header search
   box (search-worker.js). It mirrors search.py clause for clause and does the same arithmetic
   in the same order, so the CLI and the browser list the same ids in the same order
   (tests/test_finder_browser.py compares them). Needs lunr.js (its stemmer and stop words).

   The index is loaded in pieces (features/finder.py writes them): the facts every query
   filters on, a directory of shard first-words, only the shards that hold a query's words,
   and only the text chunks of the results shown or of the documents a phrase must read. */
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
  function filters(clauses, negated) {
    var found = {};
    clauses.forEach(function (c) {
      if (c.field !== null && c.negated === negated) {
        (found[c.field] = found[c.field] || []).push(c.value.toLowerCase());
      }
    });
    return found;
  }
  // Non-stop words of every free-text clause, phrases and exclusions too: their shards.
  function allWords(clauses) {
    var found = [];
    clauses.forEach(function (c) {
      if (c.field === null) tokens(c.value).forEach(function (t) { if (!isStop(t)) found.push(t); });
    });
    return unique(found);
  }
  function hasPhrases(clauses) {
    return clauses.some(function (c) { return c.field === null && c.phrase && tokens(c.value).length; });
  }
  function contains(text, phrase) {
    return text.indexOf(" " + phrase + " ") >= 0;
  }

  // The facts' id column: "n:rest", the first n characters shared with the id before.
  function decodeIds(column) {
    var previous = "";
    return column.map(function (value) {
      var colon = value.indexOf(":");
      previous = previous.slice(0, Number(value.slice(0, colon))) + value.slice(colon + 1);
      return previous;
    });
  }
  // The facts' days column: days before the date of the document before (the first: `newest`).
  // Stepped back a day at a time (the gaps are small; Date objects cost more at 10,000).
  function decodeDates(newest, days) {
    if (!newest) return [];
    var y = Number(newest.slice(0, 4)), m = Number(newest.slice(5, 7)), d = Number(newest.slice(8, 10));
    var text = newest;
    return days.map(function (back) {
      if (back === 0) return text;
      for (var i = 0; i < back; i++) {
        if (--d > 0) continue;
        if (--m === 0) { m = 12; y--; }
        d = m === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : MONTH_DAYS[m - 1];
      }
      text = ("000" + y).slice(-4) + "-" + (m < 10 ? "0" : "") + m + "-" + (d < 10 ? "0" : "") + d;
      return text;
    });
  }
  var MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

  function load(url) {
    return fetch(url).then(function (response) {
      if (!response.ok) throw new Error(url + ": " + response.status);
      return response.json();
    });
  }

  var TERMS = "search/postmortems-terms.json";
  var FACTS = "search/postmortems-facts.json";
  var SHARDS = "search/postmortems/";
  var TEXTS = "search/postmortems-text/";

  /* The index under `base` (the site root URL): facts, shard directory, shards, text chunks. */
  function Finder(base) {
    this.base = base;
    this.ids = []; // per position (newest first), as the other columns of the facts
    this.dates = [];
    this.columns = { service: [], tag: [], severity: [], status: [] }; // positions in `names`
    this.names = { service: [], tag: [], severity: [], status: [] };
    this.lower = { service: [], tag: [], severity: [], status: [] };
    this.severities = [];
    this.chunk = 1;
    this.chunks = {}; // chunk number: its rows [title, summary, url], or a promise while it loads
    this.firsts = [];
    this.shards = {};
    var self = this;
    // the shard directory is tiny: a query's shards load while the facts still do
    this.directory = load(base + TERMS).then(function (data) {
      self.firsts = data.shards;
    });
    this.ready = Promise.all([load(base + FACTS), this.directory]).then(function (data) {
      var facts = data[0];
      self.ids = decodeIds(facts.id);
      self.dates = decodeDates(facts.newest, facts.days);
      for (var name in self.columns) self.columns[name] = facts[name];
      self.names = facts.names;
      self.severities = facts.severities;
      self.chunk = facts.chunk;
      self.findUrl = facts.find; // the finder page, relative to `base`
      for (var field in self.names) {
        self.lower[field] = self.names[field].map(function (n) { return n.toLowerCase(); });
      }
    });
  }
  Finder.prototype.id = function (position) {
    return this.ids[position];
  };
  // The values of `field` (service, tag, severity, year, status) of a document, as written.
  Finder.prototype.values = function (position, field) {
    if (field === "year") return [this.dates[position].slice(0, 4)];
    var names = this.names[field];
    var value = this.columns[field][position];
    if (field === "service" || field === "tag") return value.map(function (n) { return names[n]; });
    return [names[value]];
  };
  // A document for display: its facts, and its text once its chunk is loaded (else null).
  Finder.prototype.doc = function (position) {
    var text = this.text(position);
    return {
      id: this.ids[position], date: this.dates[position],
      severity: this.values(position, "severity")[0], status: this.values(position, "status")[0],
      services: this.values(position, "service"), tags: this.values(position, "tag"),
      title: text && text.title, summary: text && text.summary, url: text && text.url,
    };
  };
  // Title, summary and URL of a document, or null while its chunk is not loaded.
  Finder.prototype.text = function (position) {
    var rows = this.chunks[Math.floor(position / this.chunk)];
    if (!rows || rows.then) return null;
    var row = rows[position % this.chunk];
    return { title: row[0], summary: row[1], url: row[2] };
  };
  Finder.prototype.hasText = function (positions) {
    var self = this;
    return positions.every(function (p) { return self.text(p) !== null; });
  };
  // Loads the text chunks of `positions`; resolves when `text` has them all.
  Finder.prototype.loadText = function (positions) {
    var self = this;
    return this.ready.then(function () {
      var numbers = unique(positions.map(function (p) { return Math.floor(p / self.chunk); }));
      return Promise.all(numbers.map(function (k) {
        if (!self.chunks[k]) {
          self.chunks[k] = load(self.base + TEXTS + k + ".json").then(function (rows) {
            self.chunks[k] = rows;
            return rows;
          }, function (error) {
            delete self.chunks[k]; // asked again next time
            throw error;
          });
        }
        return self.chunks[k];
      }));
    });
  };
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
    return allWords(clauses).map(stem)
      .map(function (s) { return self.shardOf(s); })
      .filter(function (n, i, all) { return n >= 0 && all.indexOf(n) === i; });
  };
  Finder.prototype.shardsLoaded = function (clauses) {
    var self = this;
    return this.needed(clauses).every(function (n) {
      return self.shards[n] && !self.shards[n].then;
    });
  };
  // True when `run` can answer `clauses` now, without loading anything.
  Finder.prototype.loaded = function (clauses) {
    return this.ids.length > 0 && this.shardsLoaded(clauses) &&
      this.hasText(this.toRead(clauses));
  };
  // Loads what `clauses` need; resolves when `run` can answer them.
  Finder.prototype.prepare = function (clauses) {
    var self = this;
    var shards = this.directory.then(function () {
      return Promise.all(self.needed(clauses).map(function (n) {
        if (!self.shards[n]) {
          self.shards[n] = load(self.base + SHARDS + n + ".json").then(function (data) {
            self.shards[n] = data;
            return data;
          }, function (error) {
            delete self.shards[n];
            throw error;
          });
        }
        return self.shards[n];
      }));
    });
    return Promise.all([this.ready, shards]).then(function () {
      var read = self.toRead(clauses); // a phrase reads the text of the candidates only
      return read.length ? self.loadText(read) : null;
    }).then(function () { return self; });
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
  // The documents holding every one of the words (in any field), or null for no words.
  Finder.prototype.holdingAll = function (list) {
    var self = this;
    var found = null;
    list.forEach(function (w) {
      var docs = self.holdingAny([w]);
      if (found === null) found = docs;
      else for (var d in found) if (!docs[d]) delete found[d];
    });
    return found;
  };
  // search._passes for the filters: a test of a document's position in the facts.
  Finder.prototype.filterTest = function (clauses) {
    var self = this;
    function matcher(field, wanted) {
      if (field === "year") {
        var dates = self.dates;
        return function (p) { return wanted.indexOf(dates[p].slice(0, 4)) >= 0; };
      }
      // a value is wanted when its name is, case aside: compare name numbers
      var numbers = {};
      self.lower[field].forEach(function (name, n) { if (wanted.indexOf(name) >= 0) numbers[n] = true; });
      var column = self.columns[field];
      if (field === "service" || field === "tag") {
        return function (p) { return column[p].some(function (n) { return numbers[n] === true; }); };
      }
      return function (p) { return numbers[column[p]] === true; };
    }
    var want = filters(clauses, false);
    var unwant = filters(clauses, true);
    var tests = Object.keys(want).map(function (f) { return matcher(f, want[f]); });
    var untests = Object.keys(unwant).map(function (f) { return matcher(f, unwant[f]); });
    return function (p) {
      return tests.every(function (t) { return t(p); }) && !untests.some(function (t) { return t(p); });
    };
  };
  // search.run up to the phrases: the hits by words and filters, in position order.
  Finder.prototype.candidates = function (clauses) {
    var wanted = words(clauses, false);
    var scores = wanted.length ? this.scores(wanted) : null;
    var excluded = this.holdingAny(words(clauses, true));
    var test = this.filterTest(clauses);
    var hits = [];
    for (var position = 0; position < this.ids.length; position++) {
      if (scores !== null && !(position in scores)) continue;
      if (excluded[position] || !test(position)) continue;
      hits.push({ position: position, score: scores !== null ? scores[position] : 0 });
    }
    return hits;
  };
  // Per phrase, its text and the documents that may hold it: those holding all its words
  // (a document lacking one cannot have the phrase in its title or summary), or null: any.
  Finder.prototype.phraseChecks = function (clauses) {
    var self = this;
    return clauses.filter(function (c) {
      return c.field === null && c.phrase && tokens(c.value).length;
    }).map(function (c) {
      var list = tokens(c.value);
      return { negated: c.negated, text: list.join(" "),
               holders: self.holdingAll(list.filter(function (t) { return !isStop(t); })) };
    });
  };
  // The positions whose title and summary decide `clauses`' phrases.
  Finder.prototype.toRead = function (clauses) {
    if (!hasPhrases(clauses) || !this.ids.length || !this.shardsLoaded(clauses)) return [];
    var checks = this.phraseChecks(clauses);
    return this.candidates(clauses).filter(function (hit) {
      return checks.some(function (check) { return !check.holders || check.holders[hit.position]; });
    }).map(function (hit) { return hit.position; });
  };
  // search.run: the hits of parsed clauses, best first (newest first without words).
  Finder.prototype.run = function (clauses) {
    var hits = this.candidates(clauses);
    if (hasPhrases(clauses)) {
      var checks = this.phraseChecks(clauses);
      var self = this;
      hits = hits.filter(function (hit) {
        var text = null;
        return checks.every(function (check) {
          if (check.holders && !check.holders[hit.position]) return check.negated;
          if (text === null) {
            var doc = self.text(hit.position);
            if (doc === null) throw new Error("the text of " + self.id(hit.position) + " is not loaded");
            text = " " + tokens(doc.title + " " + doc.summary).join(" ") + " ";
          }
          return contains(text, check.text) !== check.negated;
        });
      });
    }
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
