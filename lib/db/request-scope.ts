/**
 * @module
 * The lifetime of one Workers invocation (a request, a queue batch, a cron
 * tick) and of the resources opened on its behalf. workerd forbids I/O on an
 * object created by another request ("Cannot perform I/O on behalf of a
 * different request"), so a socket may live exactly as long as the invocation
 * that opened it: it is opened on first use inside the scope and ended through
 * `waitUntil` once the handler has returned and every `waitUntil`ed promise of
 * that invocation has settled.
 *
 * @example
 * fetch: (req, env, ctx) => inRequestScope(ctx, (scoped) => app.fetch(req, env, scoped))
 */
import { AsyncLocalStorage } from "node:async_hooks";

type Background = { waitUntil(promise: Promise<unknown>): void };

/** Something the scope owns and closes when its invocation is done with it. */
type Resource = { close(): Promise<void> };

export class RequestScope {
  /** The handler itself, then every background promise and every operation in flight. */
  private active = 1;
  private readonly resources = new Map<object, Resource>();

  constructor(private readonly background: Background) {}

  /** The resource `owner` keeps in this scope, opened on first use. */
  resource<T extends Resource>(owner: object, open: () => T): T {
    let existing = this.resources.get(owner) as T | undefined;
    if (!existing) {
      existing = open();
      this.resources.set(owner, existing);
    }
    return existing;
  }

  /** Forgets a resource that broke, so the next use opens a fresh one. */
  drop(owner: object, resource: Resource): void {
    if (this.resources.get(owner) === resource) this.resources.delete(owner);
    this.background.waitUntil(resource.close().catch(() => {}));
  }

  /** Runs `work` with the scope held open, so its resources outlive no caller and close after the last. */
  async hold<T>(work: () => Promise<T>): Promise<T> {
    this.active++;
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  /** A `waitUntil` that also keeps this scope's resources open until the promise settles. */
  track(promise: Promise<unknown>): void {
    this.active++;
    const settled = promise.then(
      () => this.release(),
      () => this.release(),
    );
    this.background.waitUntil(settled);
  }

  release(): void {
    this.active--;
    if (this.active > 0 || this.resources.size === 0) return;
    const all = [...this.resources.values()];
    this.resources.clear();
    this.background.waitUntil(Promise.allSettled(all.map((r) => r.close())));
  }
}

const storage = new AsyncLocalStorage<RequestScope>();

/** The scope of the invocation running this code, if it runs inside one. */
export function currentScope(): RequestScope | undefined {
  return storage.getStore();
}

/**
 * Runs one invocation inside a scope. `run` gets an execution context whose
 * `waitUntil` keeps the scope open; hand that one to the app, not the original.
 */
export async function inRequestScope<C extends ExecutionContext, T>(
  ctx: C,
  run: (scoped: C) => Promise<T>,
): Promise<T> {
  const scope = new RequestScope(ctx);
  // A plain object: workerd's own context refuses to be a prototype (its getters check `this`).
  const scoped = {
    waitUntil: (promise: Promise<unknown>) => scope.track(promise),
    passThroughOnException: () => ctx.passThroughOnException(),
    props: (ctx as { props?: unknown }).props,
  } as unknown as C;
  try {
    return await storage.run(scope, () => run(scoped));
  } finally {
    scope.release();
  }
}
