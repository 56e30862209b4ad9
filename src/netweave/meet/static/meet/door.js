/* netweave door list: the search box filters the names as you type.
 *
 * Without JavaScript the search form is sent and the server shows the matching names
 * (meet.selectors.matching_rows); with it, every row of #door-list whose data-search text
 * does not contain every typed word (case and accents ignored) is hidden at once. The
 * count ("3 of 40 shown") comes translated from the page's data-template.
 */
(function () {
  "use strict";

  function fold(text) {
    return text.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
  }

  function start() {
    var input = document.getElementById("door-q");
    var list = document.getElementById("door-list");
    var count = document.getElementById("door-count");
    var none = document.getElementById("door-none");
    if (!input || !list) { return; }
    var rows = Array.prototype.slice.call(list.querySelectorAll("li[data-search]"));

    function filter() {
      var words = fold(input.value).split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row) {
        var text = fold(row.getAttribute("data-search"));
        var match = words.every(function (word) { return text.indexOf(word) !== -1; });
        row.hidden = !match;
        if (match) { shown += 1; }
      });
      if (none) { none.hidden = shown > 0 || rows.length === 0; }
      if (count) {
        count.textContent = words.length ? count.getAttribute("data-template")
          .replace("__SHOWN__", String(shown)).replace("__TOTAL__", String(rows.length)) : "";
      }
    }

    input.addEventListener("input", filter);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
