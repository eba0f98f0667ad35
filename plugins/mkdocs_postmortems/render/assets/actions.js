/* mkdocs-postmortems: filter the /actions/ tables with select boxes.
   Progressive enhancement: without this file every row shows, grouped by state. */
(function () {
  "use strict";

  function services(row) {
    try {
      return JSON.parse(row.dataset.services || "[]");
    } catch (error) {
      return [];
    }
  }

  function setup(root) {
    var form = root.querySelector("[data-pm-filters]");
    if (!form) return;
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
