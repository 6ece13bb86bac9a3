/**
 * @module
 * The memory API, Kernel Memory's web-service routes, on one OpenAPIHono so
 * every route's schema validates requests and documents it at
 * `GET /openapi.json` (reference page: `GET /docs`).
 *
 * @example
 * app.route("/", memoryRoutes());
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { HonoEnv } from "../../hono-env.js";
import { mountApiDocs, validationHook } from "../../openapi.js";
import { askRoutes } from "./ask.js";
import { documentRoutes } from "./documents.js";
import { downloadRoutes } from "./download.js";
import { evaluateRoutes } from "./evaluate.js";
import { indexRoutes } from "./indexes.js";
import { searchRoutes } from "./search.js";
import { settingsRoutes } from "./settings.js";
import { uploadRoutes } from "./upload.js";
import { uploadBulkRoutes } from "./upload-bulk.js";

export function memoryRoutes(): OpenAPIHono<HonoEnv> {
  const app = new OpenAPIHono<HonoEnv>({ defaultHook: validationHook as never });
  uploadRoutes(app);
  uploadBulkRoutes(app);
  searchRoutes(app);
  askRoutes(app);
  indexRoutes(app);
  documentRoutes(app);
  downloadRoutes(app);
  settingsRoutes(app);
  evaluateRoutes(app);
  mountApiDocs(app);
  return app;
}
