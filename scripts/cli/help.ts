/** @module The `--help` text: one page for every command, since there are only ten. */
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
    --bulk                         send .txt files many per request (POST /upload/bulk); their citations
                                   then name content.txt, as any text upload's do
    --concurrency <n>              files in flight at once (default 4)
    --timeout <seconds>            how long to wait for one document to be processed (default 300)
    --prune                        also list documents this folder uploaded whose files are gone (dry run)
    -y, --yes                      with --prune: delete them from the service

  search <query>                 Search the memory; prints the matching documents and passages.
    -i, --index <name>             index to search (default: the default index)
    -f, --filter <key:value>       only documents with this tag; repeat to require several (all must match)
    -n, --limit <n>                at most n documents, each with its matching passages (default: all found)
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

  documents                      List the documents of an index: id, state, files, last update; documents
                                 not done say why (failed step and error, retry or lease).
    -i, --index <name>             the index (default: the default index)
    --json                         print the documents as JSON

  delete <documentIds...>        Delete documents from the service (and forget them in the ingest manifest).
    -i, --index <name>             their index (default: the default index)

  keys create <name>             Create a scoped API key (needs an admin key); prints the key ONCE.
    --scope <read|write|admin>     read: search/ask/list; write: also upload/delete; admin: everything
    -p, --pattern <pattern>        an index name or pattern it may touch, e.g. "acme-*" (repeatable;
                                   default "*", every index)
  keys list                      List the keys (name, scope, patterns, last use, revocation; never the key).
  keys revoke <id>               Revoke a key (at once on the instance that answers; elsewhere within 30 s).
    --json                         print the server's JSON response (create, list, revoke)

  eval <judged.jsonl>            Measure search on judged queries: nDCG@10, recall@10, MRR@10 and p50 latency
                                 for hybrid, vector and text (service defaults) and the index's settings,
                                 overall and per query. One JSON object per line:
                                 {"id": "q1", "query": "...", "relevant": ["docId", ...]} or, graded,
                                 "relevant": {"docId": 2, ...}. At most 250 queries per run.
    -i, --index <name>             the index (default: the default index)
    --qrels <file> --topics <file> instead of JSONL: TREC qrels (query-id iteration doc-id relevance) and
                                   topics (query-id<TAB>query lines, or TREC <top> blocks)
    --tune                         also try a grid of ranking settings (search mode, text weight, query
                                   expansion) and report the best; judge it on queries it was not tuned on
    --apply                        with --tune: store the best as the index's settings (needs write scope)
    --json                         print the server's JSON report

  settings                       Show an index's ranking settings (every search and ask on it starts from
                                 them; a request's args override them).
    -i, --index <name>             the index (default: the default index)
    --set <key=value>              change a setting (repeatable), e.g. --set text_weight=0.7
    --reset <key>                  back to the service default (repeatable)
    --json                         print the server's JSON response

Global options:
  --url <url>      the service (default: $SERVERLESS_MEMORY_URL, else the URL \`npm start\` printed while it
                   runs (recorded in .serverless-memory/server.json), else http://127.0.0.1:$PORT, else
                   ${DEFAULT_URL})
  --key <key>      API key, sent as "Authorization: Bearer <key>" (default: $SERVERLESS_MEMORY_API_KEY)
  -h, --help       show this help

Exit codes: 0 success, 1 the operation failed (a file failed, an HTTP error, the server is unreachable),
2 usage error.

Examples:
  npm start                                    # the service on ${DEFAULT_URL}
  serverless-memory ingest ./docs --index handbook --tag team:platform
  serverless-memory search "connection pool" --index handbook --filter team:platform
  serverless-memory ask "How are connections reused?" --index handbook --stream
  serverless-memory ingest ./docs --index handbook --prune       # then --prune --yes to delete
  serverless-memory eval judged.jsonl --index handbook --tune    # then --tune --apply to store the best
`;
