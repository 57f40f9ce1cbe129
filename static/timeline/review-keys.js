// Keyboard review in the admin's event list: j/k move, x selects, v verifies, r rejects.
// Plain progressive enhancement: without it the list and its actions work as usual.
(function () {
  "use strict";
  function rows() {
    return Array.from(document.querySelectorAll("#result_list tbody tr"));
  }
  let current = -1;
  function focusRow(index) {
    const all = rows();
    if (!all.length) return;
    current = Math.max(0, Math.min(all.length - 1, index));
    all.forEach((row, i) => row.classList.toggle("review-current", i === current));
    all[current].scrollIntoView({ block: "nearest" });
  }
  function runAction(name) {
    const select = document.querySelector("select[name=action]");
    const chosen = document.querySelectorAll("#result_list input.action-select:checked");
    if (!select || !chosen.length) return;
    select.value = name;
    select.form.requestSubmit(select.form.querySelector("button[name=index]"));
  }
  document.addEventListener("keydown", function (event) {
    const target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (target.closest("input, select, textarea, [contenteditable]")) return;
    if (!document.getElementById("result_list")) return;
    const keys = {
      j: () => focusRow(current + 1),
      k: () => focusRow(current - 1),
      x: () => {
        const row = rows()[current];
        const box = row && row.querySelector("input.action-select");
        if (box) box.click();
      },
      v: () => runAction("verify"),
      r: () => runAction("reject"),
    };
    if (keys[event.key]) {
      event.preventDefault();
      keys[event.key]();
    }
  });
})();
