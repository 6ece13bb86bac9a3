/**
 * @module
 * Multipart bodies shaped like Kernel Memory's .NET client sends them. No Node
 * imports, so the workerd suites build the same bodies as the Node suites.
 */

export type KmFile = { name: string; bytes: Uint8Array | string; contentType?: string };

/**
 * A multipart body as `MultipartFormDataContent` in .NET builds it: quoted
 * boundary, unquoted part names, text parts typed `text/plain; charset=utf-8`,
 * file parts `file0…` with no Content-Type and both `filename=` and `filename*=`.
 */
export function kmMultipart(form: {
  index?: string;
  documentId?: string;
  tags?: string[];
  steps?: string[];
  args?: string;
  files: KmFile[];
}): { body: Uint8Array<ArrayBuffer>; contentType: string } {
  const boundary = crypto.randomUUID();
  const enc = new TextEncoder();
  const chunks: Uint8Array[] = [];
  const text = (name: string, value: string) =>
    chunks.push(
      enc.encode(
        `--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Disposition: form-data; name=${name}\r\n\r\n${value}\r\n`,
      ),
    );
  text("index", form.index ?? "");
  if (form.documentId !== undefined) text("documentId", form.documentId);
  for (const step of form.steps ?? []) text("steps", step);
  for (const tag of form.tags ?? []) text("tags", tag);
  if (form.args !== undefined) text("args", form.args);
  form.files.forEach((file, i) => {
    const type = file.contentType ? `Content-Type: ${file.contentType}\r\n` : "";
    chunks.push(
      enc.encode(
        `--${boundary}\r\n${type}Content-Disposition: form-data; name=file${i}; filename=${asciiName(file.name)}; filename*=utf-8''${encodeURIComponent(file.name)}\r\n\r\n`,
      ),
    );
    chunks.push(typeof file.bytes === "string" ? enc.encode(file.bytes) : file.bytes);
    chunks.push(enc.encode("\r\n"));
  });
  chunks.push(enc.encode(`--${boundary}--\r\n`));
  const body = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    body.set(c, at);
    at += c.length;
  }
  return { body, contentType: `multipart/form-data; boundary="${boundary}"` };
}

// .NET writes a non-ASCII filename= as an RFC 2047 word; the server must prefer filename*.
function asciiName(name: string): string {
  return /^[\x21-\x7e]+$/.test(name) && !/[";]/.test(name)
    ? name
    : `"=?utf-8?B?${Buffer.from(name).toString("base64")}?="`;
}
