// Pure helpers for the playground's answer panel (no DOM): split an answer into text and citation markers,
// drop the "Sources:" list the API appends for plain-text readers (the page shows a Sources panel instead),
// and find a quoted sentence inside a passage despite different whitespace.
window.PlaygroundAnswer = (() => {
  // The extractive answer ends with "\n\nSources:\n[1] name (doc)\n[2] …": a plain-text copy of the panel.
  const SOURCES_LIST = /\n\s*Sources:\n(?:\[\d+\][^\n]*(?:\n|$))+\s*$/;

  function withoutSourcesList(text) {
    return text.replace(SOURCES_LIST, "");
  }

  // [{ text }] and [{ cite: n, sentence }] in reading order; the sentence is what the marker vouches for.
  function segments(text) {
    const out = [];
    const marker = /\[(\d{1,3})\]/g;
    let last = 0;
    for (let match = marker.exec(text); match !== null; match = marker.exec(text)) {
      const before = text.slice(last, match.index);
      if (before) out.push({ text: before });
      out.push({ cite: Number(match[1]), sentence: sentenceBefore(text.slice(0, match.index)), label: match[0] });
      last = match.index + match[0].length;
    }
    if (last < text.length) out.push({ text: text.slice(last) });
    return out;
  }

  // The line (or, in running prose, the last sentence) that ends where the marker starts.
  function sentenceBefore(text) {
    let line = text
      .slice(text.lastIndexOf("\n") + 1)
      .replace(/^\s*[-*•]\s+/, "")
      .trim();
    line = line.replace(/(\s*\[\d{1,3}\])+$/, "").trim();
    const parts = line.split(/(?<=[.!?])\s+(?=\S)/);
    const sentence = parts.length > 1 && parts[parts.length - 1].length < 12 ? line : parts[parts.length - 1];
    return sentence.replace(/…$/, "").trim();
  }

  // [start, end) of `sentence` in `passage`, comparing with runs of whitespace collapsed; null when absent.
  function locate(passage, sentence) {
    const needle = sentence.replace(/\s+/g, " ").trim();
    if (needle.length < 3) return null;
    let flat = "";
    const origin = [];
    let space = false;
    for (let i = 0; i < passage.length; i++) {
      const ch = passage[i];
      if (/\s/.test(ch)) {
        if (!space && flat !== "") {
          flat += " ";
          origin.push(i);
        }
        space = true;
      } else {
        flat += ch;
        origin.push(i);
        space = false;
      }
    }
    const at = flat.indexOf(needle);
    if (at < 0) return null;
    const endFlat = at + needle.length - 1;
    return [origin[at], origin[endFlat] + 1];
  }

  return { withoutSourcesList: withoutSourcesList, segments: segments, locate: locate };
})();
