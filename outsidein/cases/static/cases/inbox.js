// Keyboard-friendly inbox: j / k move between cases, Enter opens, x toggles the checkbox.
// Rows are looked up on every key press, so lists replaced by htmx keep working.
(function () {
  "use strict";
  var current = -1;

  function rows() { return Array.prototype.slice.call(document.querySelectorAll("tr.case-row")); }

  function select(index) {
    var list = rows();
    if (!list.length) return;
    current = Math.max(0, Math.min(index, list.length - 1));
    list.forEach(function (row, i) {
      row.classList.toggle("is-current", i === current);
      row.setAttribute("aria-selected", i === current ? "true" : "false");
    });
    list[current].focus();
    list[current].scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (target.matches("input:not([type=checkbox]), select, textarea, [contenteditable]")) return;
    var list = rows();
    if (!list.length) return;
    if (event.key === "j") { event.preventDefault(); select(current + 1); }
    else if (event.key === "k") { event.preventDefault(); select(current < 0 ? 0 : current - 1); }
    else if (event.key === "Enter" && current >= 0 && list[current]) {
      event.preventDefault();
      window.location.href = list[current].getAttribute("data-case-url");
    } else if (event.key === "x" && current >= 0 && list[current]) {
      var box = list[current].querySelector("input[type=checkbox]");
      if (box) { event.preventDefault(); box.checked = !box.checked; }
    }
  });

  document.addEventListener("htmx:afterSwap", function () { current = -1; });
})();
