/** @module Bounded load against a loopback URL: fixed request count, fixed concurrency. */

export type LoadResult = { statuses: Map<number, number>; bodies: unknown[]; errors: string[] };

export async function runLoad(
  total: number,
  concurrency: number,
  request: (i: number) => Promise<Response>,
): Promise<LoadResult> {
  const result: LoadResult = { statuses: new Map(), bodies: [], errors: [] };
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const i = next++;
      try {
        const res = await request(i);
        result.statuses.set(res.status, (result.statuses.get(res.status) ?? 0) + 1);
        const text = await res.text();
        try {
          result.bodies.push(JSON.parse(text));
        } catch {
          result.bodies.push(text);
        }
      } catch (err) {
        result.errors.push((err as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return result;
}
