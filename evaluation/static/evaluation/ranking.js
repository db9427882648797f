/* Committee ranking: drag a row of #ranking to reorder; the new full order is posted with the
 * hidden #order-form (HTMX re-renders the board, with the cut line in its new place).
 * Keyboard users have the ▲ ▼ buttons of each row (plain forms, they work without this file);
 * after a move, focus comes back to the same button of the moved row. */
(function () {
  "use strict";
  var dragged = null;
  var lastMove = null;

  function board() { return document.getElementById("committee-board"); }
  function rows(tbody) {
    return Array.prototype.slice.call(tbody.querySelectorAll("tr[data-application]"));
  }
  function clearMarks(tbody) {
    tbody.querySelectorAll(".drop-before, .drop-after").forEach(function (tr) {
      tr.classList.remove("drop-before", "drop-after");
    });
  }
  function submitOrder(tbody) {
    var form = document.getElementById("order-form");
    if (!form) { return; }
    form.elements.order.value = rows(tbody).map(function (tr) { return tr.dataset.application; }).join(",");
    if (window.htmx) { window.htmx.trigger(form, "submit"); } else { form.submit(); }
  }

  document.addEventListener("dragstart", function (event) {
    var tr = event.target.closest && event.target.closest("#ranking[data-editable] tr[draggable=true]");
    if (!tr) { return; }
    dragged = tr;
    tr.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", tr.dataset.application);
  });

  document.addEventListener("dragover", function (event) {
    if (!dragged) { return; }
    var tr = event.target.closest && event.target.closest("#ranking tr[data-application]");
    if (!tr || tr === dragged) { return; }
    event.preventDefault();
    var tbody = tr.parentNode;
    clearMarks(tbody);
    var box = tr.getBoundingClientRect();
    tr.classList.add(event.clientY < box.top + box.height / 2 ? "drop-before" : "drop-after");
  });

  document.addEventListener("drop", function (event) {
    if (!dragged) { return; }
    var tr = event.target.closest && event.target.closest("#ranking tr[data-application]");
    if (!tr || tr === dragged) { return; }
    event.preventDefault();
    var tbody = tr.parentNode;
    var before = tr.classList.contains("drop-before");
    clearMarks(tbody);
    tbody.insertBefore(dragged, before ? tr : tr.nextSibling);
    // The cut line is recomputed by the server: hide it until the board comes back.
    tbody.querySelectorAll("tr.cut-line, tr.waiting-end").forEach(function (line) { line.hidden = true; });
    submitOrder(tbody);
  });

  document.addEventListener("dragend", function () {
    if (dragged) { dragged.classList.remove("dragging"); }
    var tbody = document.getElementById("ranking");
    if (tbody) { clearMarks(tbody); }
    dragged = null;
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("#ranking button[data-move]");
    if (button) { lastMove = { app: button.dataset.move, direction: button.value }; }
  });

  document.addEventListener("htmx:afterSwap", function () {
    if (!lastMove || !board()) { return; }
    var selector = '#ranking button[data-move="' + lastMove.app + '"][value="' + lastMove.direction + '"]';
    var button = document.querySelector(selector);
    if (button && button.disabled) {
      button = document.querySelector('#ranking button[data-move="' + lastMove.app + '"]:not([disabled])');
    }
    if (button) { button.focus(); }
    lastMove = null;
  });
})();
