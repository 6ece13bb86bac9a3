/**
 * `ingest --bulk`: the notes tree's .txt file goes through `POST /upload/bulk`, the others through one-file
 * uploads; every document is awaited until completed, recorded in the manifest, and a re-run uploads nothing.
 */
import { describe, expect, it } from "vitest";
import { cliIn, INDEX, useCliStack } from "../../helpers/cli-run.js";

const fx = useCliStack();
const { ingest } = cliIn(fx);

describe("ingest --bulk", () => {
  it("ingests the text file in bulk and the rest one by one, then finds everything unchanged", async () => {
    const run = await ingest("--bulk", "--tag", "team:docs");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("3 new, 0 updated, 0 unchanged, 0 failed (2 skipped)");
    // The bulk-uploaded text is a text upload: its stored file is content.txt, its tags the run's.
    const docs = (await (await fx.api.call(`/documents?index=${INDEX}`)).json()) as {
      documents: Array<{ documentId: string; tags: Record<string, string[]>; files: Array<{ name: string }> }>;
    };
    const fruit = docs.documents.find((d) => d.documentId === "notes_fruit.txt");
    expect(fruit).toMatchObject({ tags: { team: ["docs"] }, files: [{ name: "content.txt" }] });
    const pools = docs.documents.find((d) => d.documentId === "notes_pools.md");
    expect(pools?.files).toEqual([expect.objectContaining({ name: "pools.md" })]);

    const again = await ingest("--bulk", "--tag", "team:docs");
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("0 new, 0 updated, 3 unchanged, 0 failed (2 skipped)");
  });
});
