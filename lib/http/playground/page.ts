/**
 * @module
 * The playground: one self-contained HTML page (inline CSS and vanilla JS, no
 * build step, nothing fetched from elsewhere) that drives the public API from a
 * browser — upload a file and watch its pipeline status, search with tag
 * filters, ask and read the answer as it streams, open the cited partitions.
 *
 * It holds no data and no secret: everything it shows comes from the API calls
 * it makes with the key typed into it. Server-provided text only ever reaches
 * the DOM through `textContent` / `append(string)` (never `innerHTML`), and the
 * route's Content-Security-Policy allows only this page's own nonce-tagged
 * script and style, so even a hostile document name cannot run code here.
 *
 * Written as `String.raw` so the browser code keeps its backslashes verbatim;
 * the browser code therefore uses no template literals (a backtick or dollar
 * brace would end or interpolate this string).
 *
 * @example
 * c.html(PLAYGROUND_HTML.replaceAll(NONCE_PLACEHOLDER, nonce));
 */

/** Replaced per response with a fresh CSP nonce. */
export const NONCE_PLACEHOLDER = "__CSP_NONCE__";

const STYLE = String.raw`
:root {
  color-scheme: light dark;
  --bg: #f6f7f9; --panel: #fff; --text: #1b1f24; --muted: #5b6470; --line: #d8dde3;
  --accent: #2458d6; --accent-text: #fff; --ok: #18794e; --warn: #a35200; --bad: #c0262d; --chip: #eef1f5;
  --focus: #2458d6;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #14171b; --panel: #1c2026; --text: #e6e9ee; --muted: #9aa4b1; --line: #323943;
    --accent: #6d97ff; --accent-text: #0b1020; --ok: #4cc38a; --warn: #f0a24a; --bad: #ff6b6b; --chip: #262c34;
    --focus: #8fb0ff;
  }
}
* { box-sizing: border-box; }
body {
  margin: 0; background: var(--bg); color: var(--text);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif;
}
a { color: var(--accent); }
:focus-visible { outline: 2px solid var(--focus); outline-offset: 2px; }
.top {
  display: flex; flex-wrap: wrap; gap: 12px 32px; align-items: flex-end; justify-content: space-between;
  padding: 16px 24px; background: var(--panel); border-bottom: 1px solid var(--line);
}
.top h1 { margin: 0; font-size: 20px; }
.top h1 span { color: var(--muted); font-weight: 400; }
.top p { margin: 4px 0 0; color: var(--muted); font-size: 13px; }
.settings { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-end; }
.settings .field { width: 240px; }
.field { display: flex; flex-direction: column; gap: 4px; margin-bottom: 10px; min-width: 0; }
.settings .field { margin-bottom: 0; }
label, .label { font-weight: 600; font-size: 13px; }
.hint, small { color: var(--muted); font-weight: 400; font-size: 12px; }
input, textarea, select, button { font: inherit; color: inherit; }
input[type="text"], input[type="search"], input[type="password"], input[type="number"], textarea {
  width: 100%; padding: 6px 8px; border: 1px solid var(--line); border-radius: 6px; background: var(--bg);
}
textarea { resize: vertical; min-height: 60px; }
input[type="file"] { max-width: 100%; }
button {
  padding: 6px 12px; border: 1px solid var(--line); border-radius: 6px; background: var(--panel); cursor: pointer;
}
button.primary { background: var(--accent); border-color: var(--accent); color: var(--accent-text); font-weight: 600; }
button:disabled { opacity: .55; cursor: default; }
button.link { border: 0; background: none; padding: 2px 4px; color: var(--accent); }
.actions { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
#notice {
  margin: 12px 24px 0; padding: 8px 12px; border-radius: 6px; border: 1px solid var(--bad); color: var(--bad);
  background: var(--panel);
}
.grid {
  display: grid; gap: 16px; padding: 16px 24px 32px; align-items: start;
  grid-template-columns: repeat(auto-fit, minmax(min(100%, 360px), 1fr));
}
.panel {
  background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; min-width: 0;
}
.panel h2 { margin: 0 0 10px; font-size: 17px; }
.panel h3 { margin: 14px 0 6px; font-size: 14px; }
.step {
  display: inline-grid; place-items: center; width: 22px; height: 22px; margin-right: 6px; border-radius: 50%;
  background: var(--accent); color: var(--accent-text); font-size: 13px;
}
ul.plain, ol.plain { list-style: none; margin: 0; padding: 0; }
.uploads li, .documents li {
  padding: 8px 0; border-top: 1px solid var(--line); display: flex; flex-direction: column; gap: 4px;
}
.uploads li:first-child, .documents li:first-child { border-top: 0; }
.row { display: flex; gap: 8px; align-items: baseline; flex-wrap: wrap; }
.name { font-weight: 600; overflow-wrap: anywhere; }
.mono { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; overflow-wrap: anywhere; }
.badge { font-size: 12px; padding: 1px 8px; border-radius: 999px; background: var(--chip); white-space: nowrap; }
.badge.completed { color: var(--ok); }
.badge.failed { color: var(--bad); }
.badge.processing, .badge.uploading, .badge.empty { color: var(--warn); }
progress { width: 100%; height: 6px; }
.chips { display: flex; flex-wrap: wrap; gap: 4px; }
.chip { font-size: 12px; padding: 0 6px; border-radius: 4px; background: var(--chip); overflow-wrap: anywhere; }
.error { color: var(--bad); }
fieldset.filter { border: 1px dashed var(--line); border-radius: 8px; margin: 0 0 8px; padding: 6px 10px 8px; }
fieldset.filter legend { font-size: 13px; font-weight: 600; padding: 0 4px; }
.or { text-align: center; color: var(--muted); font-size: 12px; margin: -2px 0 6px; }
.tag-row { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr) auto; gap: 6px; margin-bottom: 6px; }
pre {
  margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; font-family: ui-monospace, "DejaVu Sans Mono", monospace;
  font-size: 12px;
}
details.json summary { cursor: pointer; color: var(--muted); font-size: 12px; margin: 4px 0; }
.options { display: grid; grid-template-columns: 1fr 1fr; gap: 0 10px; }
.summary { color: var(--muted); font-size: 13px; margin: 10px 0 6px; min-height: 1em; }
.citations { display: flex; flex-direction: column; gap: 8px; }
details.citation { border: 1px solid var(--line); border-radius: 8px; }
details.citation > summary {
  cursor: pointer; padding: 8px 10px; display: flex; gap: 4px 10px; flex-wrap: wrap; align-items: baseline;
  list-style: none;
}
details.citation > summary::-webkit-details-marker { display: none; }
details.citation > summary::before { content: "\25B8"; color: var(--muted); }
details.citation[open] > summary::before { content: "\25BE"; }
details.citation[open] > summary { border-bottom: 1px solid var(--line); }
.relevance { margin-left: auto; font-size: 12px; color: var(--muted); white-space: nowrap; }
.citation-body { padding: 8px 10px 10px; display: flex; flex-direction: column; gap: 8px; }
.partition { border-left: 3px solid var(--accent); padding: 2px 0 2px 10px; display: flex; flex-direction: column; gap: 4px; }
.partition-head { display: flex; gap: 8px; align-items: center; font-size: 12px; color: var(--muted); flex-wrap: wrap; }
meter { width: 90px; height: 8px; }
.answer {
  min-height: 72px; padding: 10px 12px; border-radius: 8px; background: var(--bg); border: 1px solid var(--line);
  white-space: pre-wrap; overflow-wrap: anywhere;
}
.answer[data-state="streaming"]::after { content: "\258D"; color: var(--accent); animation: blink 1s steps(2) infinite; }
.answer[data-state="error"] { border-color: var(--bad); }
@keyframes blink { 50% { opacity: 0; } }
@media (prefers-reduced-motion: reduce) { .answer[data-state="streaming"]::after { animation: none; } }
.check { display: flex; gap: 6px; align-items: center; font-weight: 400; }
.empty { color: var(--muted); font-size: 13px; margin: 4px 0; }
@media (max-width: 640px) {
  .top, .grid { padding-left: 12px; padding-right: 12px; }
  #notice { margin-left: 12px; margin-right: 12px; }
  .settings, .settings .field { width: 100%; }
}
`;

const BODY = `
<header class="top">
  <div>
    <h1>serverless-memory <span>playground</span></h1>
    <p>Upload a document, search it, ask it. Every button calls the public API;
      the <a href="/docs">API reference</a> lists the same calls.</p>
  </div>
  <form class="settings" id="settings" autocomplete="off">
    <div class="field">
      <label for="api-key">API key</label>
      <input id="api-key" type="password" spellcheck="false" autocomplete="off"
        placeholder="only if the server sets API_KEYS" aria-describedby="api-key-hint">
      <small id="api-key-hint">Kept in this browser (localStorage), sent as Authorization: Bearer.</small>
    </div>
    <div class="field">
      <label for="index">Index</label>
      <input id="index" type="text" list="index-list" spellcheck="false" placeholder="default"
        aria-describedby="index-hint">
      <datalist id="index-list"></datalist>
      <small id="index-hint">Used by upload, search and ask; empty means "default".</small>
    </div>
  </form>
</header>
<p id="notice" role="alert" hidden></p>

<main class="grid">
  <section class="panel" aria-labelledby="upload-title">
    <h2 id="upload-title"><span class="step" aria-hidden="true">1</span>Upload</h2>
    <form id="upload-form">
      <div class="field">
        <label for="upload-file">File</label>
        <input id="upload-file" type="file" multiple required aria-describedby="upload-file-hint">
        <small id="upload-file-hint">Text, Markdown, HTML, PDF, DOCX… Several files make one document.</small>
      </div>
      <div class="field">
        <label for="upload-tags">Tags</label>
        <input id="upload-tags" type="text" spellcheck="false" placeholder="topic:db, lang:en"
          aria-describedby="upload-tags-hint">
        <small id="upload-tags-hint">key:value pairs, separated by commas.</small>
      </div>
      <div class="field">
        <label for="upload-document-id">Document id</label>
        <input id="upload-document-id" type="text" spellcheck="false" placeholder="generated when empty"
          aria-describedby="upload-document-id-hint">
        <small id="upload-document-id-hint">Uploading an existing id replaces that document.</small>
      </div>
      <div class="actions"><button class="primary" type="submit" id="upload-button">Upload</button></div>
    </form>
    <h3>Uploads</h3>
    <p class="empty" id="uploads-empty">Nothing uploaded from this page yet.</p>
    <ul class="plain uploads" id="uploads" aria-live="polite"></ul>
    <h3 class="row">Documents in this index
      <button type="button" class="link" id="documents-refresh">Refresh</button></h3>
    <p class="empty" id="documents-empty">No documents listed yet.</p>
    <ul class="plain documents" id="documents"></ul>
  </section>

  <section class="panel" aria-labelledby="search-title">
    <h2 id="search-title"><span class="step" aria-hidden="true">2</span>Search</h2>
    <form id="search-form">
      <div class="field">
        <label for="search-query">Query</label>
        <input id="search-query" type="search" required placeholder="What are you looking for?">
      </div>
      <div class="field" role="group" aria-labelledby="filters-title" aria-describedby="filters-hint">
        <span class="label" id="filters-title">Filters</span>
        <small id="filters-hint">All tags inside a filter must match (AND); any filter may match (OR).
          No tags means no filter. Ask uses them too.</small>
        <div id="filters"></div>
        <div class="actions"><button type="button" id="add-filter">Add OR filter</button></div>
        <details class="json"><summary>Filters as sent</summary><pre id="filters-json"></pre></details>
      </div>
      <div class="options">
        <div class="field">
          <label for="search-min-relevance">Min relevance</label>
          <input id="search-min-relevance" type="number" min="0" max="1" step="0.05" value="0">
        </div>
        <div class="field">
          <label for="search-limit">Limit</label>
          <input id="search-limit" type="number" min="1" max="100" step="1" value="10">
        </div>
      </div>
      <div class="actions"><button class="primary" type="submit" id="search-button">Search</button></div>
    </form>
    <p class="summary" id="search-summary" role="status"></p>
    <ol class="plain citations" id="search-results" aria-label="Search results"></ol>
  </section>

  <section class="panel" aria-labelledby="ask-title">
    <h2 id="ask-title"><span class="step" aria-hidden="true">3</span>Ask</h2>
    <form id="ask-form">
      <div class="field">
        <label for="ask-question">Question</label>
        <textarea id="ask-question" required rows="3" placeholder="Ask something your documents answer"></textarea>
      </div>
      <div class="field">
        <label class="check"><input type="checkbox" id="ask-use-filters" checked> Use the search filters</label>
      </div>
      <div class="actions">
        <button class="primary" type="submit" id="ask-button">Ask</button>
        <button type="button" id="ask-stop" disabled>Stop</button>
      </div>
    </form>
    <h3 id="answer-title">Answer</h3>
    <div class="answer" id="answer" role="status" data-state="idle" aria-labelledby="answer-title"
      aria-busy="false"><span id="answer-text"></span></div>
    <p class="summary" id="answer-meta"></p>
    <h3 id="sources-title">Sources</h3>
    <p class="empty" id="sources-empty">Sources of the answer appear here.</p>
    <ol class="plain citations" id="answer-sources" aria-labelledby="sources-title"></ol>
  </section>
</main>
`;

const SCRIPT = String.raw`
"use strict";
(function () {
  var $ = function (id) { return document.getElementById(id); };
  var KEY_STORAGE = "serverless-memory.apiKey";
  var INDEX_STORAGE = "serverless-memory.index";

  // ---- DOM helpers: strings always become text nodes, never markup ------------------------------------------------
  function el(tag, props) {
    var node = document.createElement(tag);
    var attrs = props || {};
    Object.keys(attrs).forEach(function (name) {
      var value = attrs[name];
      if (value === undefined || value === null || value === false) return;
      if (name === "class") node.className = value;
      else if (name === "text") node.textContent = String(value);
      else if (name.slice(0, 2) === "on") node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? "" : String(value));
    });
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }
  function clear(node) { node.replaceChildren(); }
  function show(node, visible) { node.hidden = !visible; }

  // Only http(s) links become anchors: a sourceUrl of "javascript:…" must never be clickable.
  function safeHttpUrl(raw) {
    if (typeof raw !== "string" || raw === "") return null;
    try {
      var url = new URL(raw, location.href);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  // System tags (prefix "__") are the service's bookkeeping; users filter on their own tags.
  function tagChips(tags) {
    var chips = el("span", { class: "chips" });
    Object.keys(tags || {}).forEach(function (key) {
      if (key.slice(0, 2) === "__") return;
      var values = tags[key] && tags[key].length ? tags[key] : [null];
      values.forEach(function (value) {
        chips.append(el("span", { class: "chip" }, value === null ? key : key + ":" + value));
      });
    });
    return chips.childElementCount ? chips : null;
  }

  // ---- settings ---------------------------------------------------------------------------------------------------
  var keyInput = $("api-key");
  var indexInput = $("index");
  keyInput.value = localStorage.getItem(KEY_STORAGE) || "";
  indexInput.value = localStorage.getItem(INDEX_STORAGE) || "";
  keyInput.addEventListener("change", function () {
    var key = keyInput.value.trim();
    if (key) localStorage.setItem(KEY_STORAGE, key);
    else localStorage.removeItem(KEY_STORAGE);
    notice(null);
    refreshIndexes();
    refreshDocuments();
  });
  indexInput.addEventListener("change", function () {
    localStorage.setItem(INDEX_STORAGE, indexInput.value.trim());
    refreshDocuments();
  });
  $("settings").addEventListener("submit", function (event) { event.preventDefault(); });

  // null asks the server for its default index, as Kernel Memory's clients do.
  function currentIndex() {
    var value = indexInput.value.trim();
    return value === "" ? null : value;
  }

  function notice(message) {
    var box = $("notice");
    box.textContent = message || "";
    show(box, Boolean(message));
  }

  // ---- API calls --------------------------------------------------------------------------------------------------
  function ApiError(status, message) {
    this.status = status;
    this.message = message;
  }

  async function api(path, init) {
    var options = init || {};
    var headers = new Headers(options.headers || {});
    var key = keyInput.value.trim();
    if (key) headers.set("Authorization", "Bearer " + key);
    var response = await fetch(path, Object.assign({}, options, { headers: headers }));
    if (response.ok) return response;
    var message = await problemText(response);
    if (response.status === 401) {
      notice(message + " Enter a key in the API key field at the top.");
    }
    throw new ApiError(response.status, response.status + ": " + message);
  }

  // Errors are RFC 7807 ProblemDetails; fall back to the raw body for anything else (a proxy's error page).
  async function problemText(response) {
    var body = await response.text();
    try {
      var problem = JSON.parse(body);
      return problem.detail || problem.title || body;
    } catch (e) {
      return body.slice(0, 300) || response.statusText;
    }
  }

  function errorText(error) {
    if (error instanceof ApiError) return error.message;
    if (error && error.name === "AbortError") return "Stopped.";
    return "Network error: " + (error && error.message ? error.message : String(error));
  }

  function postJson(path, body, extra) {
    return api(path, Object.assign({
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    }, extra || {}));
  }

  // ---- indexes and documents --------------------------------------------------------------------------------------
  async function refreshIndexes() {
    try {
      var data = await (await api("/indexes")).json();
      var list = $("index-list");
      clear(list);
      (data.results || []).forEach(function (item) { list.append(el("option", { value: item.name })); });
    } catch (e) {
      // A missing key is reported by api(); the datalist is only a convenience.
    }
  }

  async function refreshDocuments() {
    var list = $("documents");
    var empty = $("documents-empty");
    var query = currentIndex() === null ? "" : "index=" + encodeURIComponent(currentIndex()) + "&";
    try {
      var data = await (await api("/documents?" + query + "limit=20")).json();
      clear(list);
      (data.documents || []).forEach(function (doc) {
        var state = doc.failed ? "failed" : doc.completed ? "completed" : "processing";
        var files = (doc.files || []).map(function (f) { return f.name; }).join(", ");
        list.append(el("li", {},
          el("span", { class: "row" }, el("span", { class: "name" }, files || doc.documentId),
            el("span", { class: "badge " + state }, state)),
          el("span", { class: "mono" }, doc.documentId),
          tagChips(doc.tags)));
      });
      empty.textContent = data.nextCursor ? "Showing the first 20 documents."
        : list.childElementCount ? "" : "No documents in this index yet.";
      show(empty, empty.textContent !== "");
    } catch (e) {
      clear(list);
      empty.textContent = errorText(e);
      show(empty, true);
    }
  }
  $("documents-refresh").addEventListener("click", refreshDocuments);

  // ---- upload and status polling ----------------------------------------------------------------------------------
  function splitTags(raw) {
    return raw.split(",").map(function (t) { return t.trim(); }).filter(function (t) { return t !== ""; });
  }

  $("upload-form").addEventListener("submit", async function (event) {
    event.preventDefault();
    var fileInput = $("upload-file");
    if (!fileInput.files || fileInput.files.length === 0) return;
    var form = new FormData();
    var index = currentIndex();
    if (index !== null) form.append("index", index);
    var documentId = $("upload-document-id").value.trim();
    if (documentId) form.append("documentId", documentId);
    splitTags($("upload-tags").value).forEach(function (tag) { form.append("tags", tag); });
    var names = [];
    Array.prototype.forEach.call(fileInput.files, function (file) {
      form.append("files", file, file.name);
      names.push(file.name);
    });

    // Cleared now, not when the server answers: the user may already be choosing the next file by then.
    fileInput.value = "";
    var item = uploadItem(names.join(", "));
    try {
      // The browser writes the multipart boundary itself; setting Content-Type here would drop it.
      var accepted = await (await api("/upload", { method: "POST", body: form })).json();
      item.id.textContent = accepted.index + " / " + accepted.documentId;
      pollStatus(item, accepted.index, accepted.documentId);
    } catch (e) {
      setUploadState(item, "failed", errorText(e));
    }
  });

  function uploadItem(name) {
    var item = {
      badge: el("span", { class: "badge uploading" }, "uploading"),
      id: el("span", { class: "mono" }),
      progress: el("progress", { max: 1, value: 0, "aria-label": "Ingestion progress of " + name }),
      detail: el("span", { class: "hint" }),
    };
    item.li = el("li", { "data-state": "uploading" },
      el("span", { class: "row" }, el("span", { class: "name" }, name), item.badge),
      item.id, item.progress, item.detail);
    $("uploads").prepend(item.li);
    show($("uploads-empty"), false);
    return item;
  }

  function setUploadState(item, state, detail) {
    item.li.setAttribute("data-state", state);
    item.badge.className = "badge " + state;
    item.badge.textContent = state;
    item.detail.textContent = detail || "";
    item.detail.className = state === "failed" ? "error" : "hint";
  }

  // Polls quickly at first (small files finish in well under a second), then backs off to every 2 s.
  async function pollStatus(item, index, documentId) {
    var path = "/upload-status?index=" + encodeURIComponent(index) + "&documentId=" + encodeURIComponent(documentId);
    var delay = 250;
    var failures = 0;
    for (;;) {
      try {
        var status = await (await api(path)).json();
        failures = 0;
        var steps = status.steps || [];
        var done = status.completed_steps || [];
        item.progress.max = Math.max(steps.length, 1);
        item.progress.value = done.length;
        if (status.failed) {
          var why = status.error ? status.error.step + ": " + status.error.message : "the pipeline failed";
          setUploadState(item, "failed", why);
          return;
        }
        if (status.completed) {
          item.progress.value = item.progress.max;
          if (status.empty) setUploadState(item, "empty", "Completed, but no text was found in the file.");
          else setUploadState(item, "completed", "Ready: " + done.length + " of " + steps.length + " steps done.");
          refreshIndexes();
          refreshDocuments();
          return;
        }
        var next = (status.remaining_steps || [])[0];
        setUploadState(item, "processing",
          (next ? "Running " + next : "Waiting") + " (" + done.length + " of " + steps.length + " steps done)");
      } catch (e) {
        // A 404 right after the upload or a network blip is worth a few more tries; anything else is final.
        failures += 1;
        if (failures > 5 || (e instanceof ApiError && e.status !== 404 && e.status < 500)) {
          setUploadState(item, "failed", errorText(e));
          return;
        }
      }
      await new Promise(function (resolve) { setTimeout(resolve, delay); });
      delay = Math.min(delay * 1.5, 2000);
    }
  }

  // ---- filters: fieldsets of key:value rows ------------------------------------------------------------------------
  var filtersBox = $("filters");
  var filterCount = 0;

  function addFilter() {
    filterCount += 1;
    var number = filterCount;
    var rows = el("div", { class: "rows" });
    var fieldset = el("fieldset", { class: "filter" },
      el("legend", {}, "Filter " + number),
      rows,
      el("div", { class: "actions" },
        el("button", { type: "button", class: "link", onclick: function () { addTagRow(rows, number); } },
          "Add tag (AND)"),
        el("button", { type: "button", class: "link", onclick: function () { removeFilter(fieldset); } },
          "Remove filter")));
    if (filtersBox.childElementCount) filtersBox.append(el("div", { class: "or", "aria-hidden": "true" }, "or"));
    filtersBox.append(fieldset);
    addTagRow(rows, number);
    updateFiltersJson();
    return fieldset;
  }

  function removeFilter(fieldset) {
    var previous = fieldset.previousElementSibling;
    var next = fieldset.nextElementSibling;
    if (previous && previous.classList.contains("or")) previous.remove();
    else if (next && next.classList.contains("or")) next.remove();
    fieldset.remove();
    updateFiltersJson();
  }

  function addTagRow(rows, number) {
    var position = rows.childElementCount + 1;
    var key = el("input", { type: "text", class: "tag-key", placeholder: "key", spellcheck: "false",
      "aria-label": "Filter " + number + ", tag " + position + " key" });
    var value = el("input", { type: "text", class: "tag-value", placeholder: "value", spellcheck: "false",
      "aria-label": "Filter " + number + ", tag " + position + " value" });
    var row = el("div", { class: "tag-row" }, key, value,
      el("button", { type: "button", class: "link", "aria-label": "Remove filter " + number + ", tag " + position,
        onclick: function () { row.remove(); updateFiltersJson(); } }, "\u2715"));
    rows.append(row);
    return row;
  }

  // Kernel Memory's shape: [{ key: [values] }]; rows without a key are ignored; no tags at all means [{}].
  function readFilters() {
    var filters = [];
    filtersBox.querySelectorAll("fieldset.filter").forEach(function (fieldset) {
      var filter = {};
      var used = false;
      fieldset.querySelectorAll(".tag-row").forEach(function (row) {
        var key = row.querySelector(".tag-key").value.trim();
        if (key === "") return;
        var value = row.querySelector(".tag-value").value;
        (filter[key] = filter[key] || []).push(value);
        used = true;
      });
      if (used) filters.push(filter);
    });
    return filters.length ? filters : [{}];
  }

  function updateFiltersJson() {
    $("filters-json").textContent = JSON.stringify(readFilters());
  }

  filtersBox.addEventListener("input", updateFiltersJson);
  $("add-filter").addEventListener("click", function () {
    addFilter().querySelector(".tag-key").focus();
  });
  addFilter();

  // ---- citations --------------------------------------------------------------------------------------------------
  function formatRelevance(value) {
    return typeof value === "number" ? value.toFixed(3) : "?";
  }

  function renderCitation(citation) {
    var partitions = citation.partitions || [];
    var best = partitions.reduce(function (max, p) { return Math.max(max, p.relevance || 0); }, 0);
    var name = citation.sourceName || citation.fileId || citation.documentId;
    var href = safeHttpUrl(citation.sourceUrl);
    var body = el("div", { class: "citation-body" },
      el("span", { class: "hint" },
        "Source: ",
        href ? el("a", { href: href, target: "_blank", rel: "noopener noreferrer" }, citation.sourceUrl)
          : el("span", { class: "mono" }, citation.link),
        citation.sourceContentType ? " \u00b7 " + citation.sourceContentType : ""));
    partitions.forEach(function (partition) {
      body.append(el("div", { class: "partition" },
        el("div", { class: "partition-head" },
          el("span", {}, "Partition " + partition.partitionNumber + " \u00b7 section " + partition.sectionNumber),
          el("meter", { min: 0, max: 1, value: Math.max(0, Math.min(1, partition.relevance || 0)),
            "aria-label": "Relevance " + formatRelevance(partition.relevance) }),
          el("span", { class: "partition-relevance" }, "relevance " + formatRelevance(partition.relevance)),
          tagChips(partition.tags)),
        el("pre", { class: "partition-text" }, partition.text)));
    });
    return el("li", {},
      el("details", { class: "citation" },
        el("summary", {},
          el("span", { class: "name" }, name),
          el("span", { class: "mono" }, citation.index + " / " + citation.documentId),
          el("span", { class: "relevance" },
            partitions.length + (partitions.length === 1 ? " partition" : " partitions") +
            " \u00b7 best " + formatRelevance(best))),
        body));
  }

  // ---- search -----------------------------------------------------------------------------------------------------
  $("search-form").addEventListener("submit", async function (event) {
    event.preventDefault();
    var summary = $("search-summary");
    var list = $("search-results");
    var button = $("search-button");
    button.disabled = true;
    summary.className = "summary";
    summary.textContent = "Searching\u2026";
    clear(list);
    try {
      var result = await (await postJson("/search", {
        index: currentIndex(),
        query: $("search-query").value,
        filters: readFilters(),
        minRelevance: Number($("search-min-relevance").value) || 0,
        limit: Number($("search-limit").value) || -1,
      })).json();
      var results = result.results || [];
      summary.textContent = results.length === 0 ? "No results." :
        results.length + (results.length === 1 ? " document" : " documents") + " found. Open one to read its partitions.";
      results.forEach(function (citation) { list.append(renderCitation(citation)); });
    } catch (e) {
      summary.className = "summary error";
      summary.textContent = errorText(e);
    } finally {
      button.disabled = false;
    }
  });

  // ---- ask: POST with stream: true, read the SSE body as it arrives ------------------------------------------------
  var askController = null;

  // EventSource cannot POST, so the event stream is read from fetch's body: events end with a blank line and
  // each "data:" line is part of the payload.
  async function readEvents(body, onData) {
    var reader = body.getReader();
    var decoder = new TextDecoder();
    var buffer = "";
    for (;;) {
      var chunk = await reader.read();
      buffer += chunk.done ? decoder.decode() : decoder.decode(chunk.value, { stream: true });
      buffer = buffer.replace(/\r\n/g, "\n");
      var end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        var block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        var data = block.split("\n")
          .filter(function (line) { return line.slice(0, 5) === "data:"; })
          .map(function (line) { return line.slice(5).replace(/^ /, ""); })
          .join("\n");
        if (data === "[DONE]") {
          reader.cancel().catch(function () {});
          return;
        }
        if (data !== "") onData(data);
      }
      if (chunk.done) return;
    }
  }

  function setAnswerState(state) {
    var answer = $("answer");
    answer.setAttribute("data-state", state);
    answer.setAttribute("aria-busy", state === "streaming" ? "true" : "false");
    $("ask-button").disabled = state === "streaming";
    $("ask-stop").disabled = state !== "streaming";
  }

  function showSources(citations) {
    var list = $("answer-sources");
    clear(list);
    citations.forEach(function (citation) { list.append(renderCitation(citation)); });
    show($("sources-empty"), citations.length === 0);
    $("sources-empty").textContent = citations.length === 0 ? "No sources." : "";
  }

  function usageText(usage) {
    var parts = (usage || []).map(function (u) {
      var tokensIn = u.serviceTokensIn !== undefined ? u.serviceTokensIn : u.tokenizerTokensIn;
      var tokensOut = u.serviceTokensOut !== undefined ? u.serviceTokensOut : u.tokenizerTokensOut;
      return u.modelName + ": " + (tokensIn === undefined ? "?" : tokensIn) + " tokens in, " +
        (tokensOut === undefined ? "?" : tokensOut) + " out";
    });
    return parts.join("; ");
  }

  $("ask-form").addEventListener("submit", async function (event) {
    event.preventDefault();
    var textNode = $("answer-text");
    var meta = $("answer-meta");
    var text = "";
    var failed = false;
    textNode.textContent = "";
    meta.className = "summary";
    meta.textContent = "Thinking\u2026";
    showSources([]);
    $("sources-empty").textContent = "Sources of the answer appear here.";
    setAnswerState("streaming");
    askController = new AbortController();

    function apply(answer) {
      if (answer.streamState === "reset" || answer.streamState === undefined) text = answer.text || "";
      else text += answer.text || "";
      textNode.textContent = text;
      if (answer.relevantSources && answer.relevantSources.length) showSources(answer.relevantSources);
      if (answer.streamState === "error") {
        failed = true;
        meta.className = "summary error";
        meta.textContent = answer.noResultReason || "The answer broke off.";
      } else if (answer.noResult) {
        meta.textContent = answer.noResultReason || "No answer found.";
      } else {
        meta.textContent = answer.streamState === "last" || answer.streamState === undefined
          ? usageText(answer.tokenUsage) : "Streaming\u2026";
      }
    }

    try {
      var response = await postJson("/ask", {
        index: currentIndex(),
        question: $("ask-question").value,
        filters: $("ask-use-filters").checked ? readFilters() : [{}],
        minRelevance: 0,
        stream: true,
      }, { signal: askController.signal, headers: { "Content-Type": "application/json", Accept: "text/event-stream" } });
      if ((response.headers.get("content-type") || "").indexOf("text/event-stream") === 0) {
        await readEvents(response.body, function (data) { apply(JSON.parse(data)); });
      } else {
        apply(await response.json());
      }
      setAnswerState(failed ? "error" : "done");
      if (!failed && meta.textContent === "Streaming\u2026") meta.textContent = "";
    } catch (e) {
      setAnswerState("error");
      meta.className = "summary error";
      meta.textContent = errorText(e);
    } finally {
      askController = null;
    }
  });

  $("ask-stop").addEventListener("click", function () {
    if (askController) askController.abort();
  });

  // ---- start ------------------------------------------------------------------------------------------------------
  refreshIndexes();
  refreshDocuments();
})();
`;

/** The page; `NONCE_PLACEHOLDER` marks where the route puts its CSP nonce. */
export const PLAYGROUND_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Playground · serverless-memory</title>
<style nonce="${NONCE_PLACEHOLDER}">${STYLE}</style>
</head>
<body>
${BODY}
<script nonce="${NONCE_PLACEHOLDER}">${SCRIPT}</script>
</body>
</html>
`;
