// Long tables in pages of their data-page-size rows (200): the ledger's every entry, a company's
// people, a folder of an application's files. The rows are all in the page (search and filters
// narrow what the server sends); this only keeps the one in view short enough to read.
"use strict";

function setupPager(table) {
  const size = parseInt(table.dataset.pageSize, 10);
  const rows = Array.from(table.tBodies[0] ? table.tBodies[0].rows : []);
  if (!size || rows.length <= size) return;
  const pages = Math.ceil(rows.length / size);
  const nav = document.createElement("nav");
  nav.className = "pager table-pager";
  const back = document.createElement("button");
  const label = document.createElement("span");
  const next = document.createElement("button");
  back.type = next.type = "button";
  back.textContent = "← 上一页";
  next.textContent = "下一页 →";
  nav.append(back, label, next);
  table.after(nav);
  let page = 0;
  function show(target) {
    page = Math.max(0, Math.min(pages - 1, target));
    rows.forEach((row, i) => { row.hidden = Math.floor(i / size) !== page; });
    label.textContent = "第 " + (page + 1) + " / " + pages + " 页（共 " + rows.length + " 行）";
    back.disabled = page === 0;
    next.disabled = page === pages - 1;
  }
  back.addEventListener("click", () => show(page - 1));
  next.addEventListener("click", () => show(page + 1));
  show(0);
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("table[data-page-size]").forEach(setupPager);
});
