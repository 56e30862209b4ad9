/* netweave overlap finder: "don't open a new pub".
 *
 * Attaches to every <input> or <textarea> with data-overlap="network" or
 * data-overlap="discussion" (optional data-network="<slug>", data-overlap-url). While the
 * user types it asks GET /api/design/overlap (debounced) and lists similar existing networks
 * or discussions, each with the reasons it was suggested, in an aria-live region right after
 * the field. It only suggests: it never blocks typing or submitting, and any error simply
 * leaves the list empty. All texts (heading, reasons) come translated from the server.
 */
(function () {
  "use strict";
  var DELAY_MS = 400;
  var MIN_CHARS = 12;

  function render(region, data) {
    region.textContent = "";
    if (!data || !data.hits || !data.hits.length) { return; }
    var heading = document.createElement("p");
    heading.textContent = data.heading;
    region.appendChild(heading);
    var list = document.createElement("ul");
    data.hits.forEach(function (hit) {
      var item = document.createElement("li");
      item.className = "overlap-hit";
      item.setAttribute("data-kind", hit.kind);
      item.setAttribute("data-id", String(hit.id));
      var link = document.createElement("a");
      link.href = hit.url;
      link.textContent = hit.title;
      link.target = "_blank";
      link.rel = "noopener";
      item.appendChild(link);
      if (hit.kind === "discussion" && hit.network_name) {
        item.appendChild(document.createTextNode(" (" + hit.network_name + ")"));
      }
      var reasons = document.createElement("ul");
      reasons.className = "reasons";
      hit.reasons.forEach(function (reason) {
        var r = document.createElement("li");
        r.textContent = reason;
        reasons.appendChild(r);
      });
      item.appendChild(reasons);
      list.appendChild(item);
    });
    region.appendChild(list);
  }

  function attach(field) {
    if (field.getAttribute("data-overlap-attached")) { return; }
    field.setAttribute("data-overlap-attached", "1");
    var kind = field.getAttribute("data-overlap") === "discussion" ? "discussion" : "network";
    var url = field.getAttribute("data-overlap-url") || "/api/design/overlap";
    var region = document.createElement("div");
    region.className = "overlap-suggestions";
    region.id = (field.id || "overlap-" + Math.random().toString(36).slice(2)) + "-overlap";
    region.setAttribute("aria-live", "polite");
    region.setAttribute("data-overlap-for", field.id || "");
    field.insertAdjacentElement("afterend", region);
    var described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", (described ? described + " " : "") + region.id);
    var timer = null;
    var controller = null;
    var last = null;

    function ask() {
      var text = field.value.trim();
      if (text.length < MIN_CHARS) { last = null; render(region, null); return; }
      var params = new URLSearchParams({ text: text, kind: kind });
      var network = field.getAttribute("data-network");
      if (network) { params.set("network", network); }
      var query = params.toString();
      if (query === last) { return; }
      last = query;
      if (controller) { controller.abort(); }
      controller = window.AbortController ? new AbortController() : null;
      fetch(url + "?" + query, {
        credentials: "same-origin",
        headers: { "Accept": "application/json" },
        signal: controller ? controller.signal : undefined
      }).then(function (response) {
        return response.ok ? response.json() : null;
      }).then(function (data) {
        render(region, data);
      }).catch(function () { /* suggestions are optional: say nothing */ });
    }

    field.addEventListener("input", function () {
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(ask, DELAY_MS);
    });
    if (field.value.trim().length >= MIN_CHARS) { ask(); }
  }

  function attachAll(root) {
    (root || document).querySelectorAll(
      "input[data-overlap], textarea[data-overlap]").forEach(attach);
  }

  window.netweaveOverlap = { attach: attach, attachAll: attachAll };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { attachAll(document); });
  } else {
    attachAll(document);
  }
})();
