// Reading lists: tick what you have read; progress is kept in this browser (localStorage).
// Progressive enhancement: without JavaScript the checkboxes and the bar stay hidden.
(function () {
  "use strict";

  function storage() {
    try {
      var probe = "pm-probe";
      window.localStorage.setItem(probe, probe);
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (error) {
      return null; // private mode or storage disabled: progress lasts until the page closes
    }
  }

  function load(store, key) {
    if (!store) return [];
    try {
      var value = JSON.parse(store.getItem(key) || "[]");
      return Array.isArray(value) ? value : [];
    } catch (error) {
      return [];
    }
  }

  function setup(section) {
    var store = storage();
    var key = "postmortems:reading-list:" + section.getAttribute("data-pm-reading-list");
    var done = load(store, key);
    var cards = section.querySelectorAll(".pm-rl-card[data-pm-id]");
    var bar = section.querySelector(".pm-rl-bar");
    var status = section.querySelector(".pm-rl-status");

    function update() {
      var read = 0;
      var minutesLeft = 0;
      var ids = [];
      cards.forEach(function (card) {
        var box = card.querySelector("input[type=checkbox]");
        card.classList.toggle("pm-rl-read", box.checked);
        if (box.checked) {
          read += 1;
          ids.push(card.getAttribute("data-pm-id"));
        } else {
          minutesLeft += parseInt(card.getAttribute("data-minutes"), 10) || 0;
        }
      });
      bar.value = read;
      status.textContent =
        read + " of " + cards.length + " read" +
        (read === cards.length ? " · list complete" : " · about " + minutesLeft + " min left");
      if (store) store.setItem(key, JSON.stringify(ids));
    }

    cards.forEach(function (card) {
      var label = card.querySelector(".pm-rl-check");
      var box = label.querySelector("input");
      box.checked = done.indexOf(card.getAttribute("data-pm-id")) !== -1;
      box.disabled = false;
      box.addEventListener("change", update);
      label.hidden = false;
    });
    section.querySelector(".pm-rl-progress").hidden = false;
    update();
  }

  function init() {
    document.querySelectorAll("[data-pm-reading-list]").forEach(setup);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
