/**
 * @module
 * AWS Lambda entrypoint (API Gateway / Function URL). The handle lives outside
 * the handler, so warm invocations of this execution environment reuse it.
 */
import "../lib/db/node.js";
import { handle } from "hono/aws-lambda";
import { createApp } from "../lib/http/app.js";

export const handler = handle(createApp({ env: () => process.env }));
