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
