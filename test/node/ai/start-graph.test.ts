/**
 * The AI SDK and its provider packages are loaded only when a provider is first called: the bundled Node server
 * (scripts/build.mjs options, split into chunks) must not load them at start, where the offline default embedder
 * never needs them, yet must still carry them for a configuration that does.
 */
import { build, type Metafile } from "esbuild";
import { describe, expect, it } from "vitest";
// @ts-expect-error plain JavaScript build script without type declarations
import { bundleOptions, ENTRIES } from "../../../scripts/build.mjs";

const SDK = /node_modules\/(ai|@ai-sdk\/[^/]+|workers-ai-provider)\//;

/** Inputs of every output chunk reachable from `entry` through static imports, i.e. loaded when it starts. */
function loadedAtStart(metafile: Metafile, entry: string): string[] {
  const outputs = metafile.outputs;
  const first = Object.keys(outputs).find((out) => outputs[out]!.entryPoint === entry);
  expect(first, `an output for ${entry}`).toBeDefined();
  const seen = new Set<string>();
  const pending = [first!];
  while (pending.length > 0) {
    const out = pending.pop()!;
    if (seen.has(out)) continue;
    seen.add(out);
    for (const imported of outputs[out]!.imports) {
      if (imported.kind === "import-statement" && outputs[imported.path]) pending.push(imported.path);
    }
  }
  return [...seen].flatMap((out) => Object.keys(outputs[out]!.inputs));
}

describe("the Node server's start", () => {
  it("does not load the AI SDK, which stays in the bundle for configured providers", async () => {
    const { metafile } = await build({
      ...bundleOptions({ node: ENTRIES.node }, "dist/start-graph-test"),
      write: false,
      metafile: true,
      sourcemap: false,
    });
    if (!metafile) throw new Error("esbuild returned no metafile");
    const atStart = loadedAtStart(metafile, ENTRIES.node);
    expect(atStart.some((input) => input.endsWith("lib/ai/config.ts"))).toBe(true);
    expect(atStart.filter((input) => SDK.test(input))).toEqual([]);
    const everywhere = Object.values(metafile.outputs).flatMap((out) => Object.keys(out.inputs));
    for (const pkg of [
      "node_modules/ai/",
      "node_modules/@ai-sdk/openai-compatible/",
      "node_modules/workers-ai-provider/",
    ]) {
      expect(everywhere.some((input) => input.includes(pkg))).toBe(true);
    }
  }, 60_000);
});
