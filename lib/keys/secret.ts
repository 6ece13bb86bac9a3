/**
 * @module
 * Key material. A key is 32 random bytes (256 bits) from the platform CSPRNG,
 * base64url, behind a recognisable `smk_` prefix (secret scanners can spot it).
 *
 * Stored as a plain SHA-256 digest, not a slow password hash: slow hashes
 * exist to make guessing low-entropy passwords expensive, but nobody can
 * enumerate 2^256 random keys, so a fast digest is as safe here, and it lets a
 * request be authenticated by one indexed lookup instead of seconds of CPU.
 * `crypto.subtle` and `crypto.getRandomValues` exist on Workers and Node alike.
 */

const PREFIX = "smk_";

export function generateKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return PREFIX + btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** Only strings of this shape can be stored keys: anything else is refused without a database lookup. */
export function looksLikeStoredKey(presented: string): boolean {
  return /^smk_[A-Za-z0-9_-]{43}$/.test(presented);
}

/** What listings show so a person can tell keys apart: the prefix and 6 characters, nothing guessable. */
export function displayPrefix(key: string): string {
  return key.slice(0, PREFIX.length + 6);
}

export async function hashKey(key: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function newKeyId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return `key_${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}
