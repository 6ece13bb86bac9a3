/**
 * @module
 * Vercel (Node runtime) entrypoint. Same app, same one handle per instance.
 */
import "../lib/db/node.js";
import { handle } from "hono/vercel";
import { createApp } from "../lib/http/app.js";

export const GET = handle(createApp({ env: () => process.env }));
export const POST = GET;
export const DELETE = GET;
