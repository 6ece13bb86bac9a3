/**
 * @module
 * The ingestion Worker's OCR engine, from its configuration and bindings: a Workers AI vision model when
 * `OCR_PROVIDER=workers-ai` (the `AI` binding is then required, and its absence fails at startup, as the
 * embedder's does), none otherwise (images and scans then complete with `empty: true` and a note saying why).
 * Imported by the ingestion Worker's composition root only, so the API Worker's bundle never carries it.
 */
import { AiConfigError } from "../ai/errors.js";
import { isWorkersAIBinding } from "../ai/workers-ai-binding.js";
import { createWorkersAIOcr } from "../ai/workers-ai-ocr.js";
import type { Config } from "../config/env.js";
import type { ExtractServices } from "../extract/index.js";

export function workersExtractServices(config: Config, bindings: Record<string, unknown>): ExtractServices {
  if (!config.OCR_ENABLED || config.OCR_PROVIDER !== "workers-ai") return {};
  if (!isWorkersAIBinding(bindings.AI)) {
    throw new AiConfigError(
      'the Workers AI binding "AI" must be configured (wrangler.ingest.toml [ai] binding) when OCR_PROVIDER=workers-ai',
    );
  }
  return {
    ocr: createWorkersAIOcr({ binding: bindings.AI, ...(config.OCR_MODEL ? { model: config.OCR_MODEL } : {}) }),
  };
}
