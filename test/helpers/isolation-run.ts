/**
 * @module
 * The isolation matrix: every operation (isolation-operations.ts) × every kind of key, each request aimed at
 * tb. Expected: admin keys are allowed (2xx, a tool result that is not an error); ta's write and read keys are
 * refused by authorization wherever the request names something of tb (403/404, an MCP "not found"/scope
 * error) and get an answer without tb elsewhere; revoked, unknown and missing keys get 401 except on open
 * operations. No answer to a non-admin key carries a marker of tb it did not send, and tb's snapshot is the
 * same after each operation's non-admin requests. No Node imports.
 */
import {
  KEY_KINDS,
  type KeyKind,
  type Keys,
  MARKERS,
  SECRET,
  type Seeded,
  type Send,
  seed,
  snapshot,
  TB,
  TB_DOC,
} from "./isolation-fixture.js";
import type { Operation } from "./isolation-operations.js";

export type IsolationReport = {
  failures: string[];
  /** Requests sent and checked. */
  checked: number;
  /** Operations whose admin answer carried tb's secret: proof that the requests reach tb. */
  adminSawSecret: string[];
};

type Answer = { status: number; text: string; headers: string; verdict: "allowed" | "denied" | "other"; why: string };

const ADMINS: KeyKind[] = ["env-admin", "stored-admin"];
const OTHERS = KEY_KINDS.filter((k) => !ADMINS.includes(k));

export async function runIsolation(options: {
  send: Send;
  keys: Keys;
  operations: Operation[];
  /** Operations an admin may find missing on this runtime (`/jobs/run` is 404 on Workers by design). */
  absentHere?: ReadonlySet<string>;
}): Promise<IsolationReport> {
  const { send, keys, operations } = options;
  const admin = keys["env-admin"] as string;
  const report: IsolationReport = { failures: [], checked: 0, adminSawSecret: [] };
  let seeded = await seed(send, admin, 0);

  for (const op of operations) {
    const before = await snapshot(send, admin);
    for (const kind of OTHERS) await check(op, kind, seeded);
    if ((await snapshot(send, admin)) !== before)
      report.failures.push(`${op.name}: tb changed after non-admin requests`);
  }
  const byOrder = [...operations].sort((a, b) => a.order - b.order);
  for (const [round, kind] of ADMINS.entries()) {
    if (round > 0) seeded = await seed(send, admin, round);
    for (const op of byOrder) await check(op, kind, seeded);
  }
  return report;

  async function check(op: Operation, kind: KeyKind, current: Seeded): Promise<void> {
    const { path, init } = op.request(current);
    const sent = `${path} ${typeof init.body === "string" ? init.body : ""}`;
    const answer = await sendAs(send, keys[kind], path, init, op.mcp);
    report.checked++;
    const label = `${op.name} × ${kind}: ${answer.status} ${answer.why}`.slice(0, 300);
    const aimed = [TB, TB_DOC, ...Object.values(current.ids)].some((target) => sent.includes(target));
    if (kind === "env-admin" || kind === "stored-admin") {
      if (answer.text.includes(SECRET) && kind === "env-admin") report.adminSawSecret.push(op.name);
      const absent = options.absentHere?.has(op.name) && answer.status === 404;
      if (answer.verdict !== "allowed" && !absent) report.failures.push(`${label} (an admin must be allowed)`);
      return;
    }
    if (kind === "revoked" || kind === "unknown" || kind === "none") {
      if (answer.status !== (op.open ? 200 : 401)) report.failures.push(`${label} (expected ${op.open ? 200 : 401})`);
    } else if (aimed && answer.verdict !== "denied") {
      report.failures.push(`${label} (a ta key aimed at tb must be refused)`);
    } else if (!aimed && answer.verdict === "other") {
      report.failures.push(`${label} (expected an answer or a refusal)`);
    }
    for (const marker of MARKERS) {
      if (!sent.includes(marker) && `${answer.headers}\n${answer.text}`.includes(marker)) {
        report.failures.push(`${label}: the answer carries tb's '${marker}'`);
      }
    }
  }
}

async function sendAs(
  send: Send,
  key: string | undefined,
  path: string,
  init: RequestInit,
  mcp: boolean,
): Promise<Answer> {
  const headers = new Headers(init.headers);
  if (key !== undefined) headers.set("authorization", `Bearer ${key}`);
  const res = await send(path, { ...init, headers });
  const text = await res.text();
  const head = [...res.headers].map(([k, v]) => `${k}: ${v}`).join("\n");
  const base = { status: res.status, text, headers: head, why: text.slice(0, 160) };
  if (res.status === 401 || res.status === 403 || res.status === 404) return { ...base, verdict: "denied" };
  if (res.status < 200 || res.status >= 300) return { ...base, verdict: "other" };
  if (!mcp) return { ...base, verdict: "allowed" };
  const rpc = JSON.parse(text) as { error?: { message: string }; result?: { isError?: boolean; content?: unknown[] } };
  const message = rpc.error?.message ?? (rpc.result?.isError ? JSON.stringify(rpc.result.content) : undefined);
  if (message === undefined) return { ...base, verdict: "allowed" };
  // Refused by authorization (a foreign index is "not found", a low scope names it), not by input checks.
  return { ...base, why: message.slice(0, 160), verdict: /not found|scope/i.test(message) ? "denied" : "other" };
}
