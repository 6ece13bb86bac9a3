/**
 * @module
 * A real S3-compatible server on 127.0.0.1:0 (s3rver in a child process,
 * files in a temporary folder; see `s3rver-process.mjs` for why a process) with one bucket, and a SigV4 client (aws4fetch) to put and delete
 * objects the way any S3 tool would. s3rver knows one key pair,
 * `S3RVER`/`S3RVER`, and refuses any other access key id (it does not check
 * V4 signatures themselves).
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { AwsClient } from "aws4fetch";

export const S3_KEY = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

export type LocalS3 = {
  endpoint: string;
  bucket: string;
  put(key: string, body: string, contentType?: string): Promise<void>;
  remove(key: string): Promise<void>;
  close(): Promise<void>;
};

export async function startLocalS3(bucket = "docs"): Promise<LocalS3> {
  const directory = await mkdtemp(join(tmpdir(), "smt-s3-"));
  const script = fileURLToPath(new URL("./s3rver-process.mjs", import.meta.url));
  const child = spawn(process.execPath, ["--openssl-legacy-provider", script, directory, bucket], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const [line] = (await once(createInterface({ input: child.stdout! }), "line")) as [string];
  const { port } = JSON.parse(line) as { port: number };
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new AwsClient({ ...S3_KEY, service: "s3", region: "us-east-1" });
  const send = async (key: string, init: RequestInit) => {
    const res = await client.fetch(`${endpoint}/${bucket}/${key}`, init);
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`local S3 ${init.method} ${key}: ${res.status}`);
  };
  return {
    endpoint,
    bucket,
    put: (key, body, contentType = "text/plain") =>
      send(key, { method: "PUT", body, headers: { "content-type": contentType } }),
    remove: (key) => send(key, { method: "DELETE" }),
    async close() {
      child.stdin!.end();
      if (child.exitCode === null) await once(child, "exit");
      await rm(directory, { recursive: true, force: true });
    },
  };
}
