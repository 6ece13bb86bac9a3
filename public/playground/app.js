(() => {
  const $ = (id) => document.getElementById(id);
  const KEY_STORAGE = "serverless-memory.apiKey";
  const INDEX_STORAGE = "serverless-memory.index";

  // ---- DOM helpers: strings always become text nodes, never markup ------------------------------------------------
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    const attrs = props || {};
    Object.keys(attrs).forEach((name) => {
      const value = attrs[name];
      if (value === undefined || value === null || value === false) return;
      if (name === "class") node.className = value;
      else if (name === "text") node.textContent = String(value);
      else if (name.slice(0, 2) === "on") node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? "" : String(value));
    });
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }
  function clear(node) {
    node.replaceChildren();
  }
  function show(node, visible) {
    node.hidden = !visible;
  }

  // Only http(s) links become anchors: a sourceUrl of "javascript:…" must never be clickable.
  function safeHttpUrl(raw) {
    if (typeof raw !== "string" || raw === "") return null;
    try {
      const url = new URL(raw, location.href);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (_e) {
      return null;
    }
  }

  // System tags (prefix "__") are the service's bookkeeping; users filter on their own tags.
  function tagChips(tags) {
    const chips = el("span", { class: "chips" });
    Object.keys(tags || {}).forEach((key) => {
      if (key.slice(0, 2) === "__") return;
      const values = tags[key]?.length ? tags[key] : [null];
      values.forEach((value) => {
        chips.append(el("span", { class: "chip" }, value === null ? key : `${key}:${value}`));
      });
    });
    return chips.childElementCount ? chips : null;
  }

  // ---- settings ---------------------------------------------------------------------------------------------------
  const keyInput = $("api-key");
  const indexInput = $("index");
  keyInput.value = localStorage.getItem(KEY_STORAGE) || "";
  indexInput.value = localStorage.getItem(INDEX_STORAGE) || "";
  keyInput.addEventListener("change", () => {
    const key = keyInput.value.trim();
    if (key) localStorage.setItem(KEY_STORAGE, key);
    else localStorage.removeItem(KEY_STORAGE);
    notice(null);
    refreshIndexes();
    refreshDocuments();
  });
  indexInput.addEventListener("change", () => {
    localStorage.setItem(INDEX_STORAGE, indexInput.value.trim());
    refreshDocuments();
  });
  $("settings").addEventListener("submit", (event) => {
    event.preventDefault();
  });

  // null asks the server for its default index, as Kernel Memory's clients do.
  function currentIndex() {
    const value = indexInput.value.trim();
    return value === "" ? null : value;
  }

  function notice(message) {
    const box = $("notice");
    box.textContent = message || "";
    show(box, Boolean(message));
  }

  // ---- API calls --------------------------------------------------------------------------------------------------
  // The package's typed client (serverless-memory/client, built into this folder): search and ask go through it,
  // with the key typed at the top. Loaded as a module from this origin, which the page's CSP allows.
  const sdk = import("/playground/client.mjs");
  async function memory() {
    const key = keyInput.value.trim();
    return (await sdk).createMemoryClient(key ? { url: location.origin, apiKey: key } : { url: location.origin });
  }

  function ApiError(status, message) {
    this.status = status;
    this.message = message;
  }

  async function api(path, init) {
    const options = init || {};
    const headers = new Headers(options.headers || {});
    const key = keyInput.value.trim();
    if (key) headers.set("Authorization", `Bearer ${key}`);
    const response = await fetch(path, Object.assign({}, options, { headers: headers }));
    if (response.ok) return response;
    const message = await problemText(response);
    if (response.status === 401) {
      notice(`${message} Enter a key in the API key field at the top.`);
    }
    throw new ApiError(response.status, `${response.status}: ${message}`);
  }

  // Errors are RFC 7807 ProblemDetails; fall back to the raw body for anything else (a proxy's error page).
  async function problemText(response) {
    const body = await response.text();
    try {
      const problem = JSON.parse(body);
      return problem.detail || problem.title || body;
    } catch (_e) {
      return body.slice(0, 300) || response.statusText;
    }
  }

  function errorText(error) {
    if (error instanceof ApiError) return error.message;
    if (error && error.name === "ProblemError") {
      if (error.status === 401) notice(`${error.detail || error.title} Enter a key in the API key field at the top.`);
      return `${error.status}: ${error.detail || error.title}`;
    }
    if (error && error.name === "AbortError") return "Stopped.";
    return `Network error: ${error?.message ? error.message : String(error)}`;
  }

  // ---- indexes and documents --------------------------------------------------------------------------------------
  async function refreshIndexes() {
    try {
      const data = await (await api("/indexes")).json();
      const list = $("index-list");
      clear(list);
      (data.results || []).forEach((item) => {
        list.append(el("option", { value: item.name }));
      });
    } catch (_e) {
      // A missing key is reported by api(); the datalist is only a convenience.
    }
  }

  async function refreshDocuments() {
    const list = $("documents");
    const empty = $("documents-empty");
    const query = currentIndex() === null ? "" : `index=${encodeURIComponent(currentIndex())}&`;
    try {
      const data = await (await api(`/documents?${query}limit=20`)).json();
      clear(list);
      (data.documents || []).forEach((doc) => {
        const state = doc.failed ? "failed" : doc.completed ? "completed" : "processing";
        const files = (doc.files || []).map((f) => f.name).join(", ");
        const why = el("span", { class: state === "failed" ? "error why" : "hint why" });
        list.append(
          el(
            "li",
            { "data-state": state },
            el(
              "span",
              { class: "row" },
              el("span", { class: "name" }, files || doc.documentId),
              el("span", { class: `badge ${state}` }, state),
            ),
            el("span", { class: "mono" }, doc.documentId),
            why,
            tagChips(doc.tags),
          ),
        );
        if (state !== "completed") explain(doc, why);
      });
      empty.textContent = data.nextCursor
        ? "Showing the first 20 documents."
        : list.childElementCount
          ? ""
          : "No documents in this index yet.";
      show(empty, empty.textContent !== "");
    } catch (e) {
      clear(list);
      empty.textContent = errorText(e);
      show(empty, true);
    }
  }
  $("documents-refresh").addEventListener("click", refreshDocuments);

  // A document that is not done says why: its failed step and error, or its retry / lease (upload-status).
  async function explain(doc, target) {
    try {
      const path = `/upload-status?index=${encodeURIComponent(doc.index)}&documentId=${encodeURIComponent(doc.documentId)}`;
      const status = await (await api(path)).json();
      target.textContent = status.explanation || (status.error ? `${status.error.step}: ${status.error.message}` : "");
    } catch (e) {
      target.textContent = errorText(e);
    }
  }

  // ---- upload and status polling ----------------------------------------------------------------------------------
  function splitTags(raw) {
    return raw
      .split(",")
      .map((t) => t.trim())
      .filter((t) => t !== "");
  }

  $("upload-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const fileInput = $("upload-file");
    if (!fileInput.files || fileInput.files.length === 0) return;
    const form = new FormData();
    const index = currentIndex();
    if (index !== null) form.append("index", index);
    const documentId = $("upload-document-id").value.trim();
    if (documentId) form.append("documentId", documentId);
    splitTags($("upload-tags").value).forEach((tag) => {
      form.append("tags", tag);
    });
    const names = [];
    Array.prototype.forEach.call(fileInput.files, (file) => {
      form.append("files", file, file.name);
      names.push(file.name);
    });

    // Cleared now, not when the server answers: the user may already be choosing the next file by then.
    fileInput.value = "";
    const item = uploadItem(names.join(", "));
    try {
      // The browser writes the multipart boundary itself; setting Content-Type here would drop it.
      const accepted = await (await api("/upload", { method: "POST", body: form })).json();
      item.id.textContent = `${accepted.index} / ${accepted.documentId}`;
      pollStatus(item, accepted.index, accepted.documentId);
    } catch (e) {
      setUploadState(item, "failed", errorText(e));
    }
  });

  function uploadItem(name) {
    const item = {
      badge: el("span", { class: "badge uploading" }, "uploading"),
      id: el("span", { class: "mono" }),
      progress: el("progress", { max: 1, value: 0, "aria-label": `Ingestion progress of ${name}` }),
      detail: el("span", { class: "hint" }),
    };
    item.li = el(
      "li",
      { "data-state": "uploading" },
      el("span", { class: "row" }, el("span", { class: "name" }, name), item.badge),
      item.id,
      item.progress,
      item.detail,
    );
    $("uploads").prepend(item.li);
    show($("uploads-empty"), false);
    return item;
  }

  function setUploadState(item, state, detail) {
    item.li.setAttribute("data-state", state);
    item.badge.className = `badge ${state}`;
    item.badge.textContent = state;
    item.detail.textContent = detail || "";
    item.detail.className = state === "failed" ? "error" : "hint";
  }

  // Polls quickly at first (small files finish in well under a second), then backs off to every 2 s.
  async function pollStatus(item, index, documentId) {
    const path = `/upload-status?index=${encodeURIComponent(index)}&documentId=${encodeURIComponent(documentId)}`;
    let delay = 250;
    let failures = 0;
    for (;;) {
      try {
        const status = await (await api(path)).json();
        failures = 0;
        const steps = status.steps || [];
        const done = status.completed_steps || [];
        item.progress.max = Math.max(steps.length, 1);
        item.progress.value = done.length;
        if (status.failed) {
          const why =
            status.explanation ||
            (status.error ? `${status.error.step}: ${status.error.message}` : "the pipeline failed");
          setUploadState(item, "failed", why);
          return;
        }
        if (status.completed) {
          item.progress.value = item.progress.max;
          if (status.empty) setUploadState(item, "empty", "Completed, but no text was found in the file.");
          else setUploadState(item, "completed", `Ready: ${done.length} of ${steps.length} steps done.`);
          refreshIndexes();
          refreshDocuments();
          return;
        }
        const next = (status.remaining_steps || [])[0];
        setUploadState(
          item,
          "processing",
          status.explanation ||
            `${next ? `Running ${next}` : "Waiting"} (${done.length} of ${steps.length} steps done)`,
        );
      } catch (e) {
        // A 404 right after the upload or a network blip is worth a few more tries; anything else is final.
        failures += 1;
        if (failures > 5 || (e instanceof ApiError && e.status !== 404 && e.status < 500)) {
          setUploadState(item, "failed", errorText(e));
          return;
        }
      }
      await new Promise((resolve) => {
        setTimeout(resolve, delay);
      });
      delay = Math.min(delay * 1.5, 2000);
    }
  }

  // ---- filters: fieldsets of key:value rows ------------------------------------------------------------------------
  const filtersBox = $("filters");
  let filterCount = 0;

  function addFilter() {
    filterCount += 1;
    const number = filterCount;
    const rows = el("div", { class: "rows" });
    const fieldset = el(
      "fieldset",
      { class: "filter" },
      el("legend", {}, `Filter ${number}`),
      rows,
      el(
        "div",
        { class: "actions" },
        el(
          "button",
          {
            type: "button",
            class: "link",
            onclick: () => {
              addTagRow(rows, number);
            },
          },
          "Add tag (AND)",
        ),
        el(
          "button",
          {
            type: "button",
            class: "link",
            onclick: () => {
              removeFilter(fieldset);
            },
          },
          "Remove filter",
        ),
      ),
    );
    if (filtersBox.childElementCount) filtersBox.append(el("div", { class: "or", "aria-hidden": "true" }, "or"));
    filtersBox.append(fieldset);
    addTagRow(rows, number);
    updateFiltersJson();
    return fieldset;
  }

  function removeFilter(fieldset) {
    const previous = fieldset.previousElementSibling;
    const next = fieldset.nextElementSibling;
    if (previous?.classList.contains("or")) previous.remove();
    else if (next?.classList.contains("or")) next.remove();
    fieldset.remove();
    updateFiltersJson();
  }

  function addTagRow(rows, number) {
    const position = rows.childElementCount + 1;
    const key = el("input", {
      type: "text",
      class: "tag-key",
      placeholder: "key",
      spellcheck: "false",
      "aria-label": `Filter ${number}, tag ${position} key`,
    });
    const value = el("input", {
      type: "text",
      class: "tag-value",
      placeholder: "value",
      spellcheck: "false",
      "aria-label": `Filter ${number}, tag ${position} value`,
    });
    const row = el(
      "div",
      { class: "tag-row" },
      key,
      value,
      el(
        "button",
        {
          type: "button",
          class: "link",
          "aria-label": `Remove filter ${number}, tag ${position}`,
          onclick: () => {
            row.remove();
            updateFiltersJson();
          },
        },
        "\u2715",
      ),
    );
    rows.append(row);
    return row;
  }

  // Kernel Memory's shape: [{ key: [values] }]; rows without a key are ignored; no tags at all means [{}].
  function readFilters() {
    const filters = [];
    filtersBox.querySelectorAll("fieldset.filter").forEach((fieldset) => {
      const filter = {};
      let used = false;
      fieldset.querySelectorAll(".tag-row").forEach((row) => {
        const key = row.querySelector(".tag-key").value.trim();
        if (key === "") return;
        const value = row.querySelector(".tag-value").value;
        filter[key] = filter[key] || [];
        filter[key].push(value);
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
  $("add-filter").addEventListener("click", () => {
    addFilter().querySelector(".tag-key").focus();
  });
  addFilter();

  // ---- citations --------------------------------------------------------------------------------------------------
  // Where a passage is in its file, as the CLI says it (scripts/cli/format.ts): "p. 12", "slide 3", "sheet Budget".
  function locate(contentType, partition) {
    const n = partition.sectionNumber;
    if (!(n > 0)) return "";
    if (contentType === "application/pdf") return `p. ${n}`;
    if (contentType === "application/vnd.openxmlformats-officedocument.presentationml.presentation")
      return `slide ${n}`;
    if (contentType === "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet") {
      const name = partition.tags?.__sect_name?.[0];
      return `sheet ${name ?? n}`;
    }
    return "";
  }

  function formatRelevance(value) {
    return typeof value === "number" ? value.toFixed(3) : "?";
  }

  // The stored original, fetched with the key (a plain link could not send it) and saved from a blob URL.
  async function downloadOriginal(citation, button) {
    const status = button.nextElementSibling;
    status.textContent = "";
    status.className = "hint";
    try {
      const path =
        "/download?index=" +
        encodeURIComponent(citation.index) +
        "&documentId=" +
        encodeURIComponent(citation.documentId) +
        "&filename=" +
        encodeURIComponent(citation.sourceName || citation.fileId);
      const blob = await (await api(path)).blob();
      const url = URL.createObjectURL(blob);
      const link = el("a", { href: url, download: citation.sourceName || citation.fileId, hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => {
        URL.revokeObjectURL(url);
      }, 60000);
    } catch (e) {
      status.className = "error";
      status.textContent = errorText(e);
    }
  }

  // `number` (1-based) when the citation backs an answer: its [n] markers jump here.
  function renderCitation(citation, number) {
    const partitions = citation.partitions || [];
    const best = partitions.reduce((max, p) => Math.max(max, p.relevance || 0), 0);
    const name = citation.sourceName || citation.fileId || citation.documentId;
    const href = safeHttpUrl(citation.sourceUrl);
    const body = el(
      "div",
      { class: "citation-body" },
      el(
        "span",
        { class: "hint" },
        "Source: ",
        href
          ? el("a", { href: href, target: "_blank", rel: "noopener noreferrer" }, citation.sourceUrl)
          : el("span", { class: "mono" }, citation.link),
        citation.sourceContentType ? ` \u00b7 ${citation.sourceContentType}` : "",
      ),
      el(
        "span",
        { class: "actions" },
        el(
          "button",
          {
            type: "button",
            class: "link download",
            onclick: (event) => {
              downloadOriginal(citation, event.currentTarget);
            },
          },
          "Download original",
        ),
        el("span", { class: "hint" }),
      ),
    );
    partitions.forEach((partition) => {
      body.append(
        el(
          "div",
          { class: "partition" },
          el(
            "div",
            { class: "partition-head" },
            el(
              "span",
              {},
              `Partition ${partition.partitionNumber} \u00b7 ${locate(citation.sourceContentType, partition) || `section ${partition.sectionNumber}`}`,
            ),
            el("meter", {
              min: 0,
              max: 1,
              value: Math.max(0, Math.min(1, partition.relevance || 0)),
              "aria-label": `Relevance ${formatRelevance(partition.relevance)}`,
            }),
            el("span", { class: "partition-relevance" }, `relevance ${formatRelevance(partition.relevance)}`),
            tagChips(partition.tags),
          ),
          el("pre", { class: "partition-text" }, partition.text),
        ),
      );
    });
    return el(
      "li",
      number ? { id: `source-${number}`, "data-source": number } : {},
      el(
        "details",
        { class: "citation" },
        el(
          "summary",
          {},
          number ? el("span", { class: "source-number" }, `[${number}]`) : null,
          el("span", { class: "name" }, name),
          el("span", { class: "mono" }, `${citation.index} / ${citation.documentId}`),
          el(
            "span",
            { class: "relevance" },
            partitions.length +
              (partitions.length === 1 ? " partition" : " partitions") +
              " \u00b7 best " +
              formatRelevance(best),
          ),
        ),
        body,
      ),
    );
  }

  // ---- search -----------------------------------------------------------------------------------------------------
  $("search-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const summary = $("search-summary");
    const list = $("search-results");
    const button = $("search-button");
    button.disabled = true;
    summary.className = "summary";
    summary.textContent = "Searching\u2026";
    clear(list);
    try {
      const result = await (await memory()).search({
        index: currentIndex(),
        query: $("search-query").value,
        filters: readFilters(),
        minRelevance: Number($("search-min-relevance").value) || 0,
        limit: Number($("search-limit").value) || -1,
      });
      const results = result.results || [];
      summary.textContent =
        results.length === 0
          ? "No results."
          : results.length +
            (results.length === 1 ? " document" : " documents") +
            " found. Open one to read its partitions.";
      results.forEach((citation) => {
        list.append(renderCitation(citation));
      });
    } catch (e) {
      summary.className = "summary error";
      summary.textContent = errorText(e);
    } finally {
      button.disabled = false;
    }
  });

  // ---- ask: POST with stream: true, read the SSE body as it arrives ------------------------------------------------
  let askController = null;

  function setAnswerState(state) {
    const answer = $("answer");
    answer.setAttribute("data-state", state);
    answer.setAttribute("aria-busy", state === "streaming" ? "true" : "false");
    $("ask-button").disabled = state === "streaming";
    $("ask-stop").disabled = state !== "streaming";
  }

  function showSources(citations) {
    const list = $("answer-sources");
    clear(list);
    citations.forEach((citation, i) => {
      list.append(renderCitation(citation, i + 1));
    });
    show($("sources-empty"), citations.length === 0);
    $("sources-empty").textContent = citations.length === 0 ? "No sources." : "";
  }

  // The answer's text with each [n] a link to source n; the API's plain-text "Sources:" list is left out
  // because the Sources panel below shows the same sources.
  function renderAnswer(node, text) {
    clear(node);
    window.PlaygroundAnswer.segments(window.PlaygroundAnswer.withoutSourcesList(text)).forEach((part) => {
      if (part.text !== undefined) {
        node.append(part.text);
        return;
      }
      node.append(
        el(
          "a",
          {
            href: `#source-${part.cite}`,
            class: "cite",
            "data-cite": part.cite,
            "aria-label": `Source ${part.cite}`,
            onclick: (event) => {
              event.preventDefault();
              openSource(part.cite, part.sentence);
            },
          },
          part.label,
        ),
      );
    });
  }

  // Opens source n, marks the quoted sentence in its passages and brings it into view.
  function openSource(number, sentence) {
    const item = document.getElementById(`source-${number}`);
    if (!item) return;
    const details = item.querySelector("details.citation");
    details.open = true;
    let first = null;
    item.querySelectorAll(".partition-text").forEach((pre) => {
      const passage = pre.getAttribute("data-text") || pre.textContent;
      pre.setAttribute("data-text", passage);
      const range = sentence ? window.PlaygroundAnswer.locate(passage, sentence) : null;
      if (!range) {
        pre.textContent = passage;
        return;
      }
      const mark = el("mark", { class: "quoted" }, passage.slice(range[0], range[1]));
      pre.replaceChildren(passage.slice(0, range[0]), mark, passage.slice(range[1]));
      first = first || mark;
    });
    document.querySelectorAll("#answer-sources li.current").forEach((li) => {
      li.classList.remove("current");
    });
    item.classList.add("current");
    (first || details).scrollIntoView({ block: "center", behavior: "smooth" });
    details.querySelector("summary").focus({ preventScroll: true });
  }

  function usageText(usage) {
    const parts = (usage || []).map((u) => {
      const tokensIn = u.serviceTokensIn !== undefined ? u.serviceTokensIn : u.tokenizerTokensIn;
      const tokensOut = u.serviceTokensOut !== undefined ? u.serviceTokensOut : u.tokenizerTokensOut;
      return (
        u.modelName +
        ": " +
        (tokensIn === undefined ? "?" : tokensIn) +
        " tokens in, " +
        (tokensOut === undefined ? "?" : tokensOut) +
        " out"
      );
    });
    return parts.join("; ");
  }

  $("ask-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const textNode = $("answer-text");
    const meta = $("answer-meta");
    let text = "";
    let failed = false;
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
      renderAnswer(textNode, text);
      if (answer.relevantSources?.length) showSources(answer.relevantSources);
      if (answer.streamState === "error") {
        failed = true;
        meta.className = "summary error";
        meta.textContent = answer.noResultReason || "The answer broke off.";
      } else if (answer.noResult) {
        meta.textContent = answer.noResultReason || "No answer found.";
      } else {
        meta.textContent =
          answer.streamState === "last" || answer.streamState === undefined
            ? usageText(answer.tokenUsage)
            : "Streaming\u2026";
      }
    }

    try {
      const client = await memory();
      const query = {
        index: currentIndex(),
        question: $("ask-question").value,
        filters: $("ask-use-filters").checked ? readFilters() : [{}],
        minRelevance: 0,
      };
      // The client reads the event stream from fetch's body (EventSource cannot POST); Stop aborts it.
      for await (const answer of client.askStream(query, { signal: askController.signal, timeoutMs: 300000 })) {
        apply(answer);
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

  $("ask-stop").addEventListener("click", () => {
    if (askController) askController.abort();
  });

  // ---- start ------------------------------------------------------------------------------------------------------
  refreshIndexes();
  refreshDocuments();
})();
