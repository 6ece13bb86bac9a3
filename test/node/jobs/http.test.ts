/**
 * The HTTP trigger for hosts whose scheduler calls a URL (Vercel Cron):
 * protected by the API key, runs due jobs, validates its budget.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiServer, expectProblem, startApiServer, uploadKm } from "../../helpers/api.js";

let api: ApiServer;

beforeAll(async () => {
  api = await startApiServer({ API_KEYS: "cron-secret" }, "Bearer cron-secret");
});

afterAll(async () => {
  await api?.close();
});

describe("POST/GET /jobs/run", () => {
  it("runs a tick and reports it; GET works as Vercel Cron sends it", async () => {
    expect(
      (await uploadKm(api, { index: "cron", documentId: "d1", files: [{ name: "a.txt", bytes: "hello" }] })).status,
    ).toBe(202);
    const res = await api.call("/jobs/run", { method: "POST" });
    expect(res.status).toBe(200);
    const report = (await res.json()) as { task: string; jobs: { claimed: number }; cron: string };
    expect(report).toMatchObject({ cron: "http", task: "jobs" });
    expect(typeof report.jobs.claimed).toBe("number");
    expect((await api.call("/jobs/run?budgetMs=500")).status).toBe(200);
  });

  it("needs the key and a sane budget", async () => {
    await expectProblem(
      await api.call("/jobs/run", { method: "POST", headers: { authorization: "Bearer nope" } }),
      401,
    );
    await expectProblem(await api.call("/jobs/run?budgetMs=abc", { method: "POST" }), 400);
    await expectProblem(await api.call("/jobs/run?budgetMs=5", { method: "POST" }), 400);
  });
});
