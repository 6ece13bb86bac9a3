/** @module The `--help` text: one page for every command, since there are only six. */
import { DEFAULT_URL } from "./args.js";

export const HELP = `serverless-memory — command-line client for a serverless-memory (Kernel Memory compatible) service

Usage:
  serverless-memory <command> [arguments] [options]
  npm run cli -- <command> [arguments] [options]

Commands:
  ingest <files or folders...>   Upload files as documents and wait until they are searchable.
                                 Folders are walked recursively; hidden files and unsupported types are
                                 skipped (with the reason). Each file becomes one document whose id comes
                                 from its path (the folder's own name included), so a re-run replaces the
                                 same documents; files unchanged since the last run are not re-uploaded
                                 (tracked in .serverless-memory/ingest-manifest.json in the working folder).
    -i, --index <name>             index to ingest into (default: the server's default index)
    -t, --tag <key:value>          tag every document (repeatable)
    --document-id-from <path|hash> path: readable id from the relative path (default);
                                   hash: 32 hex characters of the path's SHA-256
    --force                        upload even files the manifest says are unchanged
    --concurrency <n>              files in flight at once (default 4)
    --timeout <seconds>            how long to wait for one document to be processed (default 300)

  search <query>                 Search the memory; prints the matching documents and passages.
    -i, --index <name>             index to search (default: the default index)
    -f, --filter <key:value>       only documents with this tag; repeat to require several (all must match)
    -n, --limit <n>                at most n results (default: the server's maximum)
    --min-relevance <0..1>         drop passages below this relevance
    --json                         print the server's JSON response

  ask <question>                 Answer a question from the memory, with its sources.
    -i, --index <name>             index to ask (default: the default index)
    -f, --filter <key:value>       as for search
    --min-relevance <0..1>         as for search
    --stream                       print the answer as it is generated
    --json                         print the server's JSON (with --stream: one event per line)

  status <documentId>            Show the ingestion status of a document.
    -i, --index <name>             the document's index (default: the default index)
    --json                         print the server's JSON response

  indexes                        List the indexes.
    --json                         print the server's JSON response

  keys create <name>             Create a scoped API key (needs an admin key); prints the key ONCE.
    --scope <read|write|admin>     read: search/ask/list; write: also upload/delete; admin: everything
    -p, --pattern <pattern>        an index name or pattern it may touch, e.g. "acme-*" (repeatable;
                                   default "*", every index)
  keys list                      List the keys (name, scope, patterns, last use, revocation; never the key).
  keys revoke <id>               Revoke a key (at once on the instance that answers; elsewhere within 30 s).
    --json                         print the server's JSON response (create, list, revoke)

Global options:
  --url <url>      the service (default: $SERVERLESS_MEMORY_URL or ${DEFAULT_URL})
  --key <key>      API key, sent as "Authorization: Bearer <key>" (default: $SERVERLESS_MEMORY_API_KEY)
  -h, --help       show this help

Exit codes: 0 success, 1 the operation failed (a file failed, an HTTP error, the server is unreachable),
2 usage error.

Examples:
  npm start                                    # the service on ${DEFAULT_URL}
  serverless-memory ingest ./docs --index handbook --tag team:platform
  serverless-memory search "connection pool" --index handbook --filter team:platform
  serverless-memory ask "How are connections reused?" --index handbook --stream
`;
