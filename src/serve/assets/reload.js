// legalsite serve: reloads the page when the site is rebuilt, and shows
// build errors over it until they are fixed. Only `legalsite serve` adds
// this script to the pages it serves; it is never written into public/.
// No inline code or styles, so the site's Content-Security-Policy holds.
(function () {
  "use strict";
  var script = document.currentScript;
  var build = script ? script.getAttribute("data-build") : null;
  var OVERLAY = "legalsite-overlay";

  function showErrors(errors) {
    var old = document.getElementById(OVERLAY);
    if (old) {
      old.parentNode.removeChild(old);
    }
    if (!errors.length) {
      return;
    }
    if (!document.querySelector("link[data-legalsite-overlay]")) {
      var link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = "/__legalsite/overlay.css";
      link.setAttribute("data-legalsite-overlay", "");
      document.head.appendChild(link);
    }
    var overlay = document.createElement("section");
    overlay.id = OVERLAY;
    overlay.setAttribute("role", "alert");
    overlay.setAttribute("aria-labelledby", OVERLAY + "-title");
    overlay.lang = "en";
    overlay.dir = "ltr";
    var title = document.createElement("h2");
    title.id = OVERLAY + "-title";
    title.textContent = errors.length === 1
      ? "The site has an error"
      : "The site has " + errors.length + " errors";
    var help = document.createElement("p");
    help.textContent = "This page shows the last good build. Fix the file and save: the page updates by itself.";
    var pre = document.createElement("pre");
    pre.textContent = errors.join("\n\n");
    overlay.appendChild(title);
    overlay.appendChild(help);
    overlay.appendChild(pre);
    document.body.insertBefore(overlay, document.body.firstChild);
  }

  var events = new EventSource("/__legalsite/events");
  events.addEventListener("state", function (event) {
    var state = JSON.parse(event.data);
    if (build !== null && state.build !== build) {
      location.reload();
      return;
    }
    showErrors(state.errors);
  });
})();
