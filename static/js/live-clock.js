/* The chair's clock on the live screen (issue 17): time spent on the item on the table against
 * its budget. The server gives when the item was put on the table (data-since, ISO 8601) and
 * the budget (data-budget-minutes); nothing is sent back. No inline script: the content
 * security policy forbids it. */
(function () {
  "use strict";

  function pad(n) {
    return n < 10 ? "0" + n : String(n);
  }

  function start(clock) {
    var since = Date.parse(clock.getAttribute("data-since") || "");
    var budget = parseInt(clock.getAttribute("data-budget-minutes"), 10) * 60;
    var elapsed = clock.querySelector("[data-clock-elapsed]");
    var over = clock.querySelector("[data-clock-over]");
    if (isNaN(since) || !elapsed) return;

    function tick() {
      var seconds = Math.max(0, Math.floor((Date.now() - since) / 1000));
      elapsed.textContent = Math.floor(seconds / 60) + ":" + pad(seconds % 60);
      var late = budget > 0 && seconds > budget;
      if (over) over.hidden = !late;
      clock.classList.toggle("live-clock--over", late);
    }

    tick();
    window.setInterval(tick, 1000);
  }

  function init() {
    document.querySelectorAll(".live-clock").forEach(start);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
