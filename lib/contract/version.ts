/** @module The service's version, as /health, /openapi.json and the MCP server's handshake report it. */
export const VERSION = "0.1.0";
