/**
 * @module
 * A bucket source's credentials at rest: sealed with AES-GCM (WebCrypto, the
 * same on Workers and Node) under `SOURCE_SECRET_KEY`, stored as
 * `v1.<iv>.<ciphertext>` (base64), opened only by the sync that signs with
 * them. The API never returns them and the logger never sees them.
 *
 * @example
 * const sealed = await sealCredentials(key, { accessKeyId: "AK…", secretAccessKey: "…" });
 * const creds = await openCredentials(key, sealed);
 */
import { AppError } from "../errors.js";

export type BucketCredentials = { accessKeyId: string; secretAccessKey: string };

const VERSION = "v1";

export async function sealCredentials(secretKey: string | undefined, creds: BucketCredentials): Promise<string> {
  const key = await importKey(secretKey);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const plain = new TextEncoder().encode(JSON.stringify(creds));
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, plain));
  return `${VERSION}.${toBase64(iv)}.${toBase64(sealed)}`;
}

export async function openCredentials(secretKey: string | undefined, sealed: string): Promise<BucketCredentials> {
  const key = await importKey(secretKey);
  const [version, iv, body] = sealed.split(".");
  if (version !== VERSION || !iv || !body) throw new AppError("misconfigured", "stored credentials are unreadable");
  try {
    const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: fromBase64(iv) }, key, fromBase64(body));
    return JSON.parse(new TextDecoder().decode(plain)) as BucketCredentials;
  } catch {
    // A rotated or wrong key: say so without echoing anything sealed.
    throw new AppError("misconfigured", "stored credentials cannot be opened with SOURCE_SECRET_KEY (was it changed?)");
  }
}

async function importKey(secretKey: string | undefined): Promise<CryptoKey> {
  if (!secretKey) {
    throw new AppError(
      "unprocessable",
      "credentials cannot be stored: this deployment has no SOURCE_SECRET_KEY to seal them with",
    );
  }
  let raw: Uint8Array<ArrayBuffer>;
  try {
    raw = fromBase64(secretKey.trim());
  } catch {
    raw = new Uint8Array();
  }
  if (raw.length !== 32) throw new AppError("misconfigured", "SOURCE_SECRET_KEY must be base64 of 32 bytes");
  return crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
}

function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}
