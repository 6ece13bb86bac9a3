/**
 * @module
 * The JSON bodies the attack suite (test/node/suites/attacks.test.ts) sends and the service must refuse with a 400
 * that changes nothing: nested args, keys that mean something to JavaScript objects. One list, so the edge-parity
 * suite (test/node/suites/edge-parity.test.ts) replays exactly these through the MCP tools. `multipart`: sent as a
 * multipart upload (a file `a.txt` holding `text`, the other fields as form fields) instead of as JSON.
 */
import { nestedJson } from "./attack-files.js";

export type AttackBody = { what: string; path: "/upload" | "/search" | "/ask"; body: string; multipart?: boolean };

export function refusedAttackBodies(): AttackBody[] {
  return [
    {
      what: "JSON upload with args 5,000 deep",
      path: "/upload",
      body: `{"text":"x","documentId":"nested-args","args":${nestedJson(5_000)}}`,
    },
    {
      // Shallow enough for JSON.stringify (so storing it works) and deep enough to break a thread boundary.
      what: "JSON upload with args 4,000 deep",
      path: "/upload",
      body: `{"text":"x","documentId":"nested-args-4k","args":${nestedJson(4_000)}}`,
    },
    {
      what: "multipart upload with args 20,000 deep",
      path: "/upload",
      body: `{"text":"x","documentId":"nested-multipart","args":${nestedJson(20_000)}}`,
      multipart: true,
    },
    {
      what: "tags with __proto__",
      path: "/upload",
      body: '{"text":"x","documentId":"proto-tags","tags":{"__proto__":["x"]}}',
    },
    { what: "search filter with __proto__", path: "/search", body: '{"query":"x","filters":[{"__proto__":["x"]}]}' },
    { what: "search args 5,000 deep", path: "/search", body: `{"query":"x","args":${nestedJson(5_000)}}` },
    { what: "ask args with constructor", path: "/ask", body: '{"question":"x","args":{"constructor":{"a":1}}}' },
  ];
}

/** The body's fields (JSON.parse keeps `__proto__` as an own key, as a server's parser sees it). */
export function attackFields(attack: AttackBody): Record<string, unknown> {
  return JSON.parse(attack.body) as Record<string, unknown>;
}
