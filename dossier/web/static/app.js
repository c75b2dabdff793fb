// dossier review UI: forms that call the JSON API, drag-and-drop upload, field boxes. No library.
"use strict";

function flash(message, isError) {
  const box = document.getElementById("flash");
  if (!box) { alert(message); return; }
  box.textContent = message;
  box.classList.remove("hidden");
  box.classList.toggle("error", !!isError);
  box.scrollIntoView({ block: "nearest" });
}

async function api(method, url, body, raw) {
  const init = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
  if (raw !== undefined) {
    init.body = raw;
    init.headers["Content-Type"] = "application/octet-stream";
  } else if (body !== undefined && method !== "GET" && method !== "DELETE") {
    init.body = JSON.stringify(body);
    init.headers["Content-Type"] = "application/json";
  }
  const response = await fetch(url, init);
  if (response.status === 401) { location.href = "/login?next=" + encodeURIComponent(location.pathname + location.search); throw new Error("请先登录"); }
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const error = new Error((data && data.reason_zh) || ("请求失败（" + response.status + "）"));
    error.data = data;
    throw error;
  }
  return data;
}

function withFlash(url, key) {
  const target = new URL(url, location.href);
  target.searchParams.set("flash", key);
  return target.pathname + target.search + target.hash;
}

async function formBody(form) {
  const body = {};
  for (const el of form.elements) {
    if (el.dataset.readInto && el.files && el.files.length) { body[el.dataset.readInto] = await el.files[0].text(); continue; }
    if (!el.name || el.type === "file") continue;
    if (el.type === "checkbox" && el.dataset.list !== undefined) {  // one of many: a list of the checked values
      body[el.name] = body[el.name] || [];
      if (el.checked) body[el.name].push(el.dataset.type === "int" ? parseInt(el.value, 10) : el.value);
      continue;
    }
    if (el.type === "checkbox") { body[el.name] = el.checked; continue; }
    let value = el.value;
    if (el.dataset.type === "int") value = parseInt(value, 10);
    else if (el.dataset.type === "bool") value = value === "true";
    else if (el.dataset.type === "list") value = value.split(/[,，、\s]+/).filter(Boolean);
    else if (typeof value === "string" && value.trim() === "") value = null;
    body[el.name] = value;
  }
  return body;
}

function afterReview(form, result) {
  const action = form.querySelector("[name=action]").value;
  const home = document.getElementById("queue-home");
  let key = { accept: "accepted", waive: "waived", reopen: "reopened" }[action] || "resolved";
  if (action === "correct" && !result.resolved) {
    key = "still_open";
    if (result.discrepancy && result.discrepancy.status === "open") { location.href = withFlash(location.href, key); return; }
  }
  // the next finding of the queue this one was opened from: its filters travel with it
  if (result.next_id) location.href = withFlash("/discrepancies/" + result.next_id + (home ? home.dataset.walk : ""), key);
  else location.href = withFlash(home ? home.dataset.url : "/", "queue_done");
}

async function submitApiForm(event) {
  const form = event.target.closest("form[data-api]");
  if (!form) return;
  event.preventDefault();
  if (form.dataset.confirm && !confirm(form.dataset.confirm)) return;
  const [method, url] = form.dataset.api.split(" ");
  const buttons = form.querySelectorAll("button");
  buttons.forEach(b => { b.disabled = true; });
  const then = form.dataset.then || "reload";
  try {
    const result = await api(method, url, await formBody(form));
    if (then === "next") afterReview(form, result);
    else if (then === "reload") location.reload();
    else if (then.startsWith("reload:")) location.href = withFlash(location.href, then.slice(7));
    else if (then.startsWith("go:")) location.href = then.slice(3).replace(/\{(\w+)\}/g, (_, k) => encodeURIComponent(result[k]));
  } catch (error) {
    const findings = error.data && error.data.findings && error.data.findings.length ? "\n" + error.data.findings.join("\n") : "";
    flash(error.message + (findings && !error.message.includes(error.data.findings[0]) ? findings : ""), true);
  } finally {
    buttons.forEach(b => { b.disabled = false; });
  }
}

function setupUpload(zone) {
  const url = zone.dataset.upload;
  const limit = parseInt(zone.dataset.limit, 10);
  const list = zone.querySelector(".results");
  const folderInput = zone.querySelector("input[name=folder]");
  async function send(files) {
    let changed = false;
    for (const file of files) {
      const folder = folderInput && folderInput.value.trim() ? folderInput.value.trim().replace(/\/+$/, "") + "/" : "";
      const path = folder + (file.webkitRelativePath || file.name);
      const item = document.createElement("li");
      item.textContent = "上传中：" + path;
      list.appendChild(item);
      if (file.size > limit) { item.textContent = "未上传：" + path + "（文件过大）"; item.className = "bad"; continue; }
      try {
        const result = await api("POST", url + "?path=" + encodeURIComponent(path), undefined, file);
        item.textContent = result.message;
        item.className = result.status === "new" || result.status === "spec" || result.status === "duplicate" ? "ok" : "bad";
        if (result.status === "new") {  // a file to read: follow it (a quarantined one is done already)
          const step = document.createElement("span");
          step.className = "step muted";
          step.textContent = "　已存储";
          item.appendChild(step);
          watched.set(result.sha256, step);
        }
        changed = changed || result.status !== "duplicate";
      } catch (error) {
        item.textContent = "未上传：" + path + "（" + error.message + "）";
        item.className = "bad";
      }
    }
    if (changed) follow();
  }
  // The upload messages stay; each new file's step is filled in from the progress API until it is
  // read and the application checked again, then the queue can be reloaded by the reviewer.
  const watched = new Map();
  let polling = false;
  function describe(file, checking) {
    if (file.status === "failed") return "　无法处理" + (file.reason ? "：" + file.reason : "");
    if (file.status !== "processed") {  // being read: how many pages so far, once the reader has said
      const pages = file.pages_to_read ? "：已读 " + file.pages_read + "/" + file.pages_to_read + " 页" : "";
      return "　" + file.status_zh + pages + "…";
    }
    let text = "　已识别：" + (file.doc_type_zh || "未分类文件") + "，" + (file.pages || 0) + " 页，" + file.fields + " 个字段";
    if (file.open_findings === null || checking) return text + "；核验中…";
    return text + "；" + (file.open_findings ? file.open_findings + " 个待处理问题" : "没有问题");
  }
  async function follow() {
    if (polling || !watched.size) return;
    polling = true;
    const query = Array.from(watched.keys()).map(sha => "sha256=" + sha).join("&");
    try {
      for (;;) {
        const progress = await api("GET", url.replace(/\/files$/, "/progress") + "?" + query);
        progress.files.forEach(file => { const step = watched.get(file.sha256); if (step) step.textContent = describe(file, progress.checking); });
        const done = progress.files.every(f => f.status === "processed" || f.status === "failed") && !progress.checking;
        if (done) break;
        await new Promise(resolve => setTimeout(resolve, 1500));
      }
      const refresh = zone.querySelector(".refresh");
      if (refresh) refresh.hidden = false;
    } catch (error) {
      flash(error.message, true);
    } finally {
      polling = false;
    }
  }
  zone.addEventListener("dragover", e => { e.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", e => { e.preventDefault(); zone.classList.remove("over"); send(Array.from(e.dataTransfer.files)); });
  zone.querySelectorAll("input[type=file]").forEach(input => input.addEventListener("change", () => send(Array.from(input.files))));
}

// Page shapes and field boxes come as data attributes and are applied here: the
// Content-Security-Policy allows no inline style attribute.
function placeBoxes() {
  document.querySelectorAll("figure.page[data-aspect]").forEach(fig => { fig.style.aspectRatio = fig.dataset.aspect; });
  document.querySelectorAll(".box[data-place]").forEach(box => {
    const [left, top, width, height] = box.dataset.place.split(" ");
    Object.assign(box.style, { left: left + "%", top: top + "%", width: width + "%", height: height + "%" });
  });
}

function setupBoxes() {
  document.querySelectorAll(".box[data-field]").forEach(box => {
    const row = document.getElementById(box.dataset.field);
    if (!row) return;
    box.addEventListener("mouseenter", () => row.classList.add("hot"));
    box.addEventListener("mouseleave", () => row.classList.remove("hot"));
    box.addEventListener("click", e => {
      e.preventDefault();
      row.scrollIntoView({ block: "center" });
      const input = row.querySelector("input[name=value]");
      if (input) input.focus();
    });
    row.addEventListener("mouseenter", () => box.classList.add("hot"));
    row.addEventListener("mouseleave", () => box.classList.remove("hot"));
  });
}

function setupSelectAll() {
  const all = document.getElementById("select-warnings");
  if (!all) return;
  all.addEventListener("change", () => {
    document.querySelectorAll("#queue-table input[name=ids]").forEach(box => { box.checked = all.checked; });
  });
}

document.addEventListener("submit", submitApiForm);
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-upload]").forEach(setupUpload);
  placeBoxes();
  setupBoxes();
  setupSelectAll();
  const summary = document.getElementById("summary");
  if (summary && parseInt(summary.dataset.pending, 10) > 0) setTimeout(() => location.reload(), 4000);
});
