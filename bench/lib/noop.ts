/** @module An empty module: `node --import tsx` on it measures the runtime floor of a cold start. */
export {};
