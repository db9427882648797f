// Collaboration network: on hover or keyboard focus, a node's figures in a tooltip and its links
// lit up; a spoken summary after each update. The graph is server-rendered SVG and the controls a
// plain GET form (HTMX swaps the results), so the page works without this script. Events are
// delegated to the document: they keep working after HTMX replaces the graph.
(function () {
  "use strict";

  var active = null;

  function canvasOf(el) { return el && el.closest(".net-canvas"); }

  function light(node) {
    var canvas = canvasOf(node);
    var id = node.dataset.id;
    var neighbours = {};
    neighbours[id] = true;
    canvas.querySelectorAll(".net-edge").forEach(function (edge) {
      var on = edge.dataset.a === id || edge.dataset.b === id;
      edge.classList.toggle("is-lit", on);
      if (on) { neighbours[edge.dataset.a] = true; neighbours[edge.dataset.b] = true; }
    });
    canvas.querySelectorAll(".net-node").forEach(function (other) {
      other.classList.toggle("is-lit", !!neighbours[other.dataset.id]);
    });
    canvas.querySelectorAll(".net-labels text").forEach(function (text) {
      text.classList.toggle("is-lit", !!neighbours[text.dataset.id]);
    });
    canvas.classList.add("is-lit");
  }

  function tooltip(canvas, target, title, lines) {
    var tip = canvas.querySelector(".net-tooltip");
    if (!tip) return;
    tip.replaceChildren();
    var strong = document.createElement("strong");
    strong.textContent = title;
    tip.append(strong);
    lines.filter(Boolean).forEach(function (line) {
      var span = document.createElement("span");
      span.textContent = line;
      tip.append(span);
    });
    var box = target.getBoundingClientRect();
    var frame = canvas.getBoundingClientRect();
    var scroll = canvas.scrollLeft;  // the drawing scrolls sideways on a phone
    var x = box.left + box.width / 2 - frame.left + scroll;
    var top = box.top - frame.top;
    tip.hidden = false;
    var half = tip.offsetWidth / 2;
    tip.style.left = Math.min(Math.max(x, scroll + half), scroll + canvas.clientWidth - half) + "px";
    var below = top < tip.offsetHeight + 14;
    tip.classList.toggle("below", below);
    tip.style.top = (below ? box.bottom - frame.top : top) + "px";
  }

  function show(node) {
    if (active === node) return;
    hide();
    active = node;
    node.classList.add("is-active");
    light(node);
    tooltip(canvasOf(node), node.querySelector("circle"), node.dataset.title,
            [node.dataset.detail, node.dataset.partners]);
  }

  function showEdge(edge) {
    hide();
    tooltip(canvasOf(edge), edge, edge.dataset.title, []);
  }

  function hide() {
    document.querySelectorAll(".net-canvas").forEach(function (canvas) {
      canvas.classList.remove("is-lit");
      var tip = canvas.querySelector(".net-tooltip");
      if (tip) tip.hidden = true;
    });
    if (active) active.classList.remove("is-active");
    active = null;
  }

  // The script draws its own tooltips: drop the native ones so they do not double up. On a
  // phone the drawing scrolls sideways: start with its middle in view.
  function prepare(root) {
    root.querySelectorAll(".net-canvas title").forEach(function (title) { title.remove(); });
    root.querySelectorAll(".net-canvas").forEach(function (canvas) {
      if (canvas.scrollWidth > canvas.clientWidth) {
        canvas.scrollLeft = (canvas.scrollWidth - canvas.clientWidth) / 2;
      }
    });
  }

  document.addEventListener("pointerover", function (event) {
    var node = event.target.closest && event.target.closest(".net-node");
    if (node) { show(node); return; }
    var edge = event.target.closest && event.target.closest(".net-edge");
    if (edge) showEdge(edge);
  });
  document.addEventListener("pointerout", function (event) {
    var from = event.target.closest && event.target.closest(".net-node, .net-edge");
    if (from && !from.contains(event.relatedTarget)) hide();
  });
  document.addEventListener("focusin", function (event) {
    var node = event.target.closest && event.target.closest(".net-node");
    if (node) show(node); else hide();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") hide();
  });

  // After HTMX swapped the results: native titles off, the JSON link and the spoken summary updated.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (!event.detail.target || event.detail.target.id !== "network-results") return;
    active = null;
    prepare(event.detail.target);
    var json = document.getElementById("net-json");
    var form = document.querySelector(".net-controls");
    if (json && form) {
      var query = new URLSearchParams(new FormData(form)).toString();
      json.href = json.href.split("?")[0] + (query ? "?" + query : "");
    }
    var results = event.detail.target.querySelector(".net-results");
    var status = document.getElementById("net-status");
    if (results && status) status.textContent = results.dataset.summary || "";
  });

  function init() { prepare(document); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
