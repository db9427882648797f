// Map of the region: tooltips on hover and keyboard focus. The map itself is server-rendered SVG
// and the show/hide toggles are pure CSS, so everything still works without this script.
(function () {
  "use strict";

  function setUp(canvas) {
    var tip = canvas.querySelector(".map-tooltip");
    var svg = canvas.querySelector("svg");
    if (!tip || !svg) return;
    var active = null;

    // The script shows its own tooltip: drop the native ones so they do not double up.
    svg.querySelectorAll(".marker > title").forEach(function (title) { title.remove(); });

    function show(marker) {
      if (active) active.classList.remove("is-active");
      active = marker;
      marker.classList.add("is-active");
      tip.replaceChildren();
      var strong = document.createElement("strong");
      strong.textContent = marker.dataset.title;
      var detail = document.createElement("span");
      detail.textContent = marker.dataset.detail;
      tip.append(strong, detail);
      var box = marker.getBoundingClientRect();
      var frame = canvas.getBoundingClientRect();
      var scroll = canvas.scrollLeft;  // the wide panel scrolls on a phone
      var x = box.left + box.width / 2 - frame.left + scroll;
      var top = box.top - frame.top;
      tip.hidden = false;
      var half = tip.offsetWidth / 2;
      tip.style.left = Math.min(Math.max(x, scroll + half), scroll + canvas.clientWidth - half) + "px";
      var below = top < tip.offsetHeight + 14;
      tip.classList.toggle("below", below);
      tip.style.top = (below ? box.bottom - frame.top : top) + "px";
    }

    function hide() {
      if (active) active.classList.remove("is-active");
      active = null;
      tip.hidden = true;
    }

    svg.addEventListener("pointerover", function (event) {
      var marker = event.target.closest(".marker");
      if (marker) show(marker);
    });
    svg.addEventListener("pointerout", function (event) {
      var marker = event.target.closest(".marker");
      if (marker && !marker.contains(event.relatedTarget)) hide();
    });
    svg.addEventListener("focusin", function (event) {
      var marker = event.target.closest(".marker");
      if (marker) show(marker); else hide();
    });
    svg.addEventListener("focusout", hide);
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") hide();
    });
  }

  function init() {
    document.querySelectorAll(".network-map .map-canvas").forEach(function (canvas) {
      setUp(canvas);
      // On a phone the wide panel scrolls: start with Paris, its middle, in view.
      if (canvas.scrollWidth > canvas.clientWidth) {
        canvas.scrollLeft = (canvas.scrollWidth - canvas.clientWidth) / 2;
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
