/**
 * @module
 * `serverless-memory/ai-sdk`: the service as Vercel AI SDK tools (peer dependency `ai` 6, `zod` 4) for agents:
 * `search` returns the most relevant passages with where they came from, `ask` returns the service's own cited
 * answer. Their results are kept small (text, document, source, relevance) so they fit in a model's context.
 *
 * @example
 * const tools = memoryTools({ client: createMemoryClient({ url }), index: "handbook" });
 * const { text } = await generateText({ model, tools, stopWhen: stepCountIs(3), prompt: "When do deploys go out?" });
 */
import { tool } from "ai";
import { z } from "zod";
import type { MemoryClient, MemoryFilter } from "../client/index.js";

export type MemoryToolsOptions = {
  client: MemoryClient;
  /** Missing: the `default` index. The model cannot pick another index: the application decides. */
  index?: string;
  /** Filters the application always applies (e.g. the signed-in user's tags), OR-ed as in Kernel Memory. */
  filters?: MemoryFilter[];
  /** Most passages `search` returns (default 5; the model may ask for fewer). */
  maxResults?: number;
};

export type SearchHit = { text: string; documentId: string; sourceName: string; relevance: number; section: number };
export type AskResult = {
  answer: string;
  noResult: boolean;
  sources: Array<{ documentId: string; sourceName: string }>;
};

const tagFilter = z
  .record(z.string(), z.array(z.string()))
  .describe('Only passages whose tags match all of these, e.g. {"team": ["ops"]}');

export function memoryTools(options: MemoryToolsOptions) {
  const { client, index } = options;
  const maxResults = options.maxResults ?? 5;
  /**
   * The model's tags narrow the application's filters, never widen them: each application filter AND the model's
   * tags (every tag value inside one filter must match, Kernel Memory's rule, so values of a shared key add up).
   */
  const narrowed = (tags: Record<string, string[]> | undefined): MemoryFilter[] | undefined => {
    if (!tags) return options.filters;
    if (!options.filters || options.filters.length === 0) return [tags];
    return options.filters.map((f) => {
      const both: MemoryFilter = { ...f };
      for (const [key, values] of Object.entries(tags)) both[key] = [...(f[key] ?? []), ...values];
      return both;
    });
  };

  return {
    search: tool({
      description:
        "Search the document memory. Returns the passages most relevant to the query, with the document they come from.",
      inputSchema: z.object({
        query: z.string().min(1).describe("What to look for, in natural language or keywords"),
        limit: z.number().int().min(1).max(maxResults).optional().describe(`How many passages (max ${maxResults})`),
        tags: tagFilter.optional(),
      }),
      execute: async ({ query, limit, tags }): Promise<SearchHit[]> => {
        const k = limit ?? maxResults;
        const result = await client.search({ query, index, filters: narrowed(tags), limit: k });
        const hits = result.results.flatMap((c) =>
          c.partitions.map((p) => ({
            text: p.text,
            documentId: c.documentId,
            sourceName: c.sourceName,
            relevance: p.relevance,
            section: p.sectionNumber,
          })),
        );
        return hits.sort((a, b) => b.relevance - a.relevance).slice(0, k);
      },
    }),

    ask: tool({
      description:
        "Ask the document memory a question. Returns an answer written from the stored documents, with the documents it cites.",
      inputSchema: z.object({
        question: z.string().min(1).describe("The question, as a full sentence"),
        tags: tagFilter.optional(),
      }),
      execute: async ({ question, tags }): Promise<AskResult> => {
        const answer = await client.ask({ question, index, filters: narrowed(tags) });
        return {
          answer: answer.text,
          noResult: answer.noResult,
          sources: answer.relevantSources.map((c) => ({ documentId: c.documentId, sourceName: c.sourceName })),
        };
      },
    }),
  };
}
