/* The page's behaviour from the design system: GOV.UK Frontend's components (menu, error
 * summary focus, conditional reveal of radios and checkboxes, notification banners) and the
 * column labels of tables stacked on phones. Loaded as a module from base.html: the content
 * security policy forbids inline scripts, so what GOV.UK's page template does inline is done
 * here. htmx (loaded before this file) gets the same treatment for the content it swaps in.
 */
import { initAll } from "../vendor/govuk-frontend.min.js";

/* Below about 640 px each table row is a block (static/scss/_tables.scss); each cell shows its
   column's header from data-label. */
function labelTableCells(scope) {
  scope.querySelectorAll("table").forEach(function (table) {
    var headers = Array.prototype.map.call(
      table.querySelectorAll("thead tr:last-child th"),
      function (th) { return th.textContent.trim(); }
    );
    if (!headers.length) return;
    table.querySelectorAll("tbody tr").forEach(function (row) {
      var column = 0;
      Array.prototype.forEach.call(row.children, function (cell) {
        var label = headers[column];
        if (label && cell.tagName === "TD" && !cell.hasAttribute("data-label")) {
          cell.setAttribute("data-label", label);
        }
        column += cell.colSpan || 1;
      });
    });
  });
}

/* GOV.UK's radios mark a choice that reveals fields with aria-expanded, which ARIA does not
   allow on a radio (axe-core: aria-allowed-attr, critical). The revealed fields follow the
   radio in reading order, so the attribute is dropped each time the component sets it. */
function dropRadioExpanded() {
  document.querySelectorAll(".govuk-radios__input[aria-expanded]").forEach(function (radio) {
    radio.removeAttribute("aria-expanded");
  });
}

/* GOV.UK's error summary takes the focus as soon as the components start, which may be before
   the page has its final layout (fonts, styles): the browser then scrolls to where the summary
   was, not where it ends up. Once the page has loaded, it is put back in view: the page's top
   if the summary fits below the header, else the summary at the top. */
function keepErrorSummaryInView() {
  var summary = document.querySelector(".govuk-error-summary");
  if (!summary) return;
  var place = function () {
    var top = summary.getBoundingClientRect().top + window.scrollY;
    var fits = top + summary.offsetHeight + 16 <= window.innerHeight;
    window.scrollTo(0, fits ? 0 : Math.max(0, top - 16));
    if (document.activeElement === document.body || document.activeElement === summary) {
      if (!summary.hasAttribute("tabindex")) summary.setAttribute("tabindex", "-1");
      summary.focus({ preventScroll: true });
    }
  };
  if (document.readyState === "complete") place();
  else window.addEventListener("load", place, { once: true });
}

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
keepErrorSummaryInView();
labelTableCells(document);
dropRadioExpanded();
/* Registered after the components' own listeners, so these run after them. */
document.addEventListener("click", dropRadioExpanded);
window.addEventListener("pageshow", dropRadioExpanded);

if (window.htmx) {
  window.htmx.onLoad(function (element) {
    if (element === document.body) return;
    initAll({ scope: element });
    labelTableCells(element);
    dropRadioExpanded();
  });
}
