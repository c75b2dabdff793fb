// Keyboard for the review queue (? shows the list). On an application page: j / k move through the
// queue, Enter opens, x ticks a warning for the bulk waive. On a finding: j / k next / previous,
// a accept (a blocking finding first asks for its reason), w waive (the reason field), c correct.
// Keys typed into a field are the field's; Escape leaves it, Ctrl+Enter sends its form.
"use strict";

(function () {
  let selected = -1;

  function typing(target) {
    return target.closest && target.closest("input, textarea, select, [contenteditable]");
  }

  function rows() { return Array.from(document.querySelectorAll("#queue-table tr.finding")); }

  function select(index) {
    const all = rows();
    if (!all.length) return;
    selected = Math.max(0, Math.min(all.length - 1, index));
    all.forEach((row, i) => row.classList.toggle("selected", i === selected));
    const link = all[selected].querySelector("a");
    link.focus({ preventScroll: true });
    all[selected].scrollIntoView({ block: "nearest" });
  }

  function follow(id) {
    const link = document.getElementById(id);
    if (link) location.href = link.href;
  }

  function focusField(field) {
    if (!field) return false;
    field.focus();
    field.scrollIntoView({ block: "center" });
    return true;
  }

  function accept() {
    const button = document.getElementById("accept");
    if (!button) return;
    const form = button.closest("form");
    const reason = form.querySelector("[name=comment]");
    const title = document.querySelector("h1.finding-title");
    if (title && title.dataset.severity === "blocking" && !reason.value.trim()) {
      focusField(reason);  // a blocking finding is accepted only with a reason: type it, then Enter
      return;
    }
    form.requestSubmit(button);
  }

  function toggleHelp(show) {
    const help = document.getElementById("keys-help");
    if (help) help.hidden = show === undefined ? !help.hidden : !show;
  }

  const onQueue = {
    j: () => select(selected + 1),
    k: () => select(selected - 1),
    Enter: () => { const all = rows(); if (selected >= 0 && all[selected]) all[selected].querySelector("a").click(); },
    x: () => {
      const box = selected >= 0 ? rows()[selected].querySelector("input[name=ids]") : null;
      if (box) box.checked = !box.checked;
    },
  };
  const onFinding = {
    j: () => follow("next-link"),
    k: () => follow("prev-link"),
    a: accept,
    w: () => focusField(document.querySelector("form.waive textarea[name=comment]")),
    c: () => focusField(document.querySelector("form.correct input[name=new_value]")),
  };

  document.addEventListener("keydown", event => {
    const target = event.target;
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter" && typing(target)) {
      const form = target.closest("form");
      if (form) { event.preventDefault(); form.requestSubmit(); }
      return;
    }
    if (event.key === "Escape") {
      toggleHelp(false);
      if (typing(target)) target.blur();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(target)) return;
    if (event.key === "?") { event.preventDefault(); toggleHelp(); return; }
    const keys = document.querySelector("h1.finding-title") ? onFinding : (document.getElementById("queue-table") ? onQueue : null);
    if (!keys || !keys[event.key]) return;
    if (event.key === "Enter" && selected < 0) return;  // Enter on a focused link or button keeps its own meaning
    event.preventDefault();
    keys[event.key]();
  });
})();
