/**
 * @module
 * A private PgBouncer in transaction mode, standing in for Hyperdrive's edge
 * pool: miniflare's local Hyperdrive is a plain TCP pass-through, so without
 * it every Worker request would be one Postgres backend. Like Hyperdrive, it
 * keeps no session state between transactions, which the `hyperdrive`
 * transport must tolerate (it does: one statement or one BEGIN…COMMIT).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PG_HOST, PG_PORT } from "./database.js";
import { freePort } from "./free-port.js";

export type Bouncer = { port: number; close(): Promise<void> };

async function accepts(port: number): Promise<boolean> {
  const { connect } = await import("node:net");
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => resolve(socket.destroy() === socket));
    socket.once("error", () => resolve(false));
  });
}

export async function startPgBouncer(options: { poolSize: number }): Promise<Bouncer> {
  const dir = await mkdtemp(join(tmpdir(), "sm-bouncer-"));
  await chmod(dir, 0o777);
  const port = await freePort();
  await writeFile(join(dir, "userlist.txt"), '"postgres" ""\n');
  await writeFile(
    join(dir, "pgbouncer.ini"),
    [
      "[databases]",
      `* = host=${PG_HOST} port=${PG_PORT}`,
      "[pgbouncer]",
      "listen_addr = 127.0.0.1",
      `listen_port = ${port}`,
      "auth_type = trust",
      `auth_file = ${join(dir, "userlist.txt")}`,
      "pool_mode = transaction",
      // The admin console (database `pgbouncer`) shows client connections: the suites check none stays open.
      "admin_users = postgres",
      `default_pool_size = ${options.poolSize}`,
      "max_client_conn = 2000",
      "ignore_startup_parameters = extra_float_digits,options",
      `unix_socket_dir = ${dir}`,
      "",
    ].join("\n"),
  );
  // PgBouncer refuses to run as root.
  const asRoot = process.getuid?.() === 0;
  const child: ChildProcess = spawn(
    asRoot ? "runuser" : "/usr/sbin/pgbouncer",
    asRoot ? ["-u", "postgres", "--", "/usr/sbin/pgbouncer", join(dir, "pgbouncer.ini")] : [join(dir, "pgbouncer.ini")],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  for (let i = 0; i < 100 && !(await accepts(port)); i++) {
    if (child.exitCode !== null) throw new Error(`pgbouncer exited: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    close: async () => {
      child.kill("SIGTERM");
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once("exit", r)));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
