/* mkdocs-postmortems: filter the /actions/ tables with select boxes.
   Progressive enhancement: without this file every row shows, grouped by state (on a large
   archive, each state's rows are on its own pages, linked from /actions/). There the page
   holds only the first rows of each state, so a filter draws its rows from the JSON export
   (api/action-items.json), fetched on the first change. Post-mortem text is only ever set
   with textContent. */
(function () {
  "use strict";

  function services(row) {
    try {
      return JSON.parse(row.dataset.services || "[]");
    } catch (error) {
      return [];
    }
  }

  var LIMIT = 200; // rows drawn at once from the export; "Show more" adds as many again

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var key in attrs || {}) node.setAttribute(key, attrs[key]);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function badge(kind, text) {
    return el("span", { class: "pm-badge pm-ai pm-ai-" + kind }, text);
  }

  // One row like the template's action_rows_table, from a record of the export.
  function recordRow(record, root, columns) {
    var tr = el("tr", { class: "pm-row-" + record.state + (record.stale ? " pm-row-stale" : ""),
                        "data-state": record.state });
    var link = new URL(record.postmortem_url, root).href;
    var pm = el("td", { class: "pm-c-pm", "data-label": "Post-mortem" });
    pm.appendChild(el("a", { href: link }, record.postmortem));
    pm.appendChild(el("br"));
    pm.appendChild(el("span", { class: "pm-summary" }, record.postmortem_title));
    tr.appendChild(pm);
    var action = el("td", { class: "pm-c-main", "data-label": "Action" });
    action.appendChild(el("strong", {}, record.id));
    action.appendChild(document.createTextNode(" " + record.title));
    if (record.status === "wont-do" && record.reason) {
      action.appendChild(el("br"));
      action.appendChild(el("span", { class: "pm-summary" }, "Won't do: " + record.reason));
    }
    tr.appendChild(action);
    if (columns.owner) tr.appendChild(el("td", { class: "pm-c-owner", "data-label": "Owner" }, record.owner || "—"));
    var services = el("td", { class: "pm-c-chips", "data-label": "Services" });
    (record.services || []).forEach(function (name, i) {
      if (i) services.appendChild(document.createTextNode(" "));
      services.appendChild(el("span", { class: "pm-chip" }, name));
    });
    tr.appendChild(services);
    var due = el("td", { class: "pm-c-date", "data-label": "Due" });
    if (record.due) due.appendChild(el("time", { datetime: record.due }, record.due));
    else due.textContent = "—";
    tr.appendChild(due);
    var state = el("td", { class: "pm-c-badge", "data-label": "Status" });
    if (record.overdue) state.appendChild(badge("overdue", "overdue " + record.days_overdue + " d"));
    if (!record.overdue || record.status === "in-progress") {
      if (record.overdue) state.appendChild(document.createTextNode(" "));
      state.appendChild(badge(record.status, record.status));
    }
    tr.appendChild(state);
    if (columns.ticket) {
      var ticket = el("td", { class: "pm-c-id", "data-label": "Ticket" });
      if (record.ticket) {
        ticket.appendChild(el("a", { href: record.ticket, rel: "noopener" },
          record.ticket.replace(/\/+$/, "").split("/").pop()));
      } else {
        ticket.textContent = "—";
      }
      tr.appendChild(ticket);
    }
    return tr;
  }

  // A large archive: filters run over the export and fill one results table.
  function setupSplit(root, form) {
    var results = root.querySelector("[data-pm-results]");
    var groups = Array.prototype.slice.call(root.querySelectorAll("[data-pm-group]"));
    var status = form.querySelector(".pm-filter-status");
    var template = root.querySelector("table.pm-actions-all");
    var columns = {
      owner: !!form.elements.namedItem("owner"),
      ticket: !!(template && template.querySelector("th.pm-c-id")),
    };
    var base = new URL(root.getAttribute("data-pm-root"), location.href).href;
    var records = null;
    var loading = null;
    var shown = LIMIT;

    function value(name) {
      var field = form.elements.namedItem(name);
      return field ? field.value : "";
    }
    function load() {
      if (!loading) {
        loading = fetch(root.getAttribute("data-pm-json"))
          .then(function (response) {
            if (!response.ok) throw new Error(response.status);
            return response.json();
          })
          .then(function (data) { records = data; });
      }
      return loading;
    }
    function draw() {
      var want = { state: value("state"), owner: value("owner"), service: value("service"), due: value("due") };
      var filtering = want.state || want.owner || want.service || want.due;
      groups.forEach(function (group) { group.hidden = !!filtering; });
      results.hidden = !filtering;
      if (!filtering) {
        status.textContent = "";
        return;
      }
      var matches = records.filter(function (r) {
        return (!want.state || r.state === want.state || (want.state === "stale" && r.stale)) &&
          (!want.owner || r.owner === want.owner) &&
          (!want.service || (r.services || []).indexOf(want.service) !== -1) &&
          (!want.due || (r.due || "").slice(0, 7) === want.due);
      });
      var old = results.querySelector(".md-typeset__scrollwrap, .pm-actions-more");
      while (old) {
        old.remove();
        old = results.querySelector(".md-typeset__scrollwrap, .pm-actions-more");
      }
      var table = template.cloneNode(true);
      var body = table.querySelector("tbody");
      body.textContent = "";
      table.querySelector("caption").textContent = "Matching action items";
      matches.slice(0, shown).forEach(function (r) { body.appendChild(recordRow(r, base, columns)); });
      var wrap = el("div", { class: "md-typeset__scrollwrap pm-table-wrap" });
      var inner = el("div", { class: "md-typeset__table" });
      inner.appendChild(table);
      wrap.appendChild(inner);
      results.appendChild(wrap);
      if (matches.length > shown) {
        var more = el("button", { type: "button", class: "md-button pm-actions-more" },
          "Show " + Math.min(LIMIT, matches.length - shown) + " more");
        more.addEventListener("click", function () { shown += LIMIT; draw(); });
        results.appendChild(more);
      }
      results.querySelector("[data-pm-count]").textContent = String(matches.length);
      status.textContent = matches.length + " of " + records.length + " action items match";
    }
    function apply() {
      shown = LIMIT;
      if (records) return draw();
      status.textContent = "Loading the action items…";
      load().then(draw, function (error) {
        status.textContent = "The action items could not be loaded (" + error.message + ").";
      });
    }
    form.addEventListener("change", apply);
    form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    var stateBox = form.elements.namedItem("state");
    if (stateBox && !stateBox.querySelector('option[value="stale"]')) {
      var option = el("option", { value: "stale" }, "Stale");
      stateBox.insertBefore(option, stateBox.options[1] || null);
    }
    form.hidden = false;
  }

  function setup(root) {
    var form = root.querySelector("[data-pm-filters]");
    if (!form) return;
    if (root.hasAttribute("data-pm-split")) return setupSplit(root, form);
    var rows = Array.prototype.slice.call(root.querySelectorAll("tr[data-state]"));
    var groups = Array.prototype.slice.call(root.querySelectorAll("[data-pm-group]"));
    var status = form.querySelector(".pm-filter-status");
    var total = root.querySelectorAll(
      '[data-pm-group]:not([data-pm-group="stale"]) tr[data-state]'
    ).length;

    function value(name) {
      var field = form.elements.namedItem(name);
      return field ? field.value : "";
    }

    function apply() {
      var state = value("state");
      var owner = value("owner");
      var service = value("service");
      var due = value("due");
      var shown = 0;
      rows.forEach(function (row) {
        var match =
          (!state || row.dataset.state === state) &&
          (!owner || row.dataset.owner === owner) &&
          (!service || services(row).indexOf(service) !== -1) &&
          (!due || row.dataset.due === due);
        row.hidden = !match;
      });
      groups.forEach(function (group) {
        var visible = group.querySelectorAll("tr[data-state]:not([hidden])").length;
        var count = group.querySelector("[data-pm-count]");
        if (count) count.textContent = String(visible);
        if (group.dataset.pmGroup !== "stale") shown += visible;
      });
      if (status) {
        status.textContent =
          shown === total ? "" : shown + " of " + total + " action items match";
      }
    }

    form.addEventListener("change", apply);
    form.addEventListener("reset", function () {
      window.setTimeout(apply, 0);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
    });
    form.hidden = false;
    apply();
  }

  function init() {
    document.querySelectorAll("[data-pm-actions]").forEach(setup);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
