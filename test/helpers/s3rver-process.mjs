// Runs s3rver in a process of its own, started by test/helpers/local-s3.ts with --openssl-legacy-provider:
// s3rver encrypts ListObjectsV2 continuation tokens with DES, which Node 20's OpenSSL 3 only has in its
// legacy provider. Prints {"port":N} once listening; exits when its parent closes stdin.
import S3rver from "s3rver";

const [directory, bucket] = process.argv.slice(2);
const server = new S3rver({
  port: 0,
  address: "127.0.0.1",
  silent: true,
  directory,
  configureBuckets: [{ name: bucket }],
});
const { port } = await server.run();
process.stdout.write(`${JSON.stringify({ port })}\n`);
process.stdin.resume();
process.stdin.on("end", () => server.close().then(() => process.exit(0)));
