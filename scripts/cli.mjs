#!/usr/bin/env node
// The `serverless-memory` command. The CLI is TypeScript; tsx (a runtime
// dependency) compiles it on the fly, so there is no build step to forget.
// `tsconfig: false`: the CLI needs no path aliases, and a tsconfig.json in the
// caller's working directory must not change how it compiles.
import { register } from "tsx/esm/api";

register({ tsconfig: false });
await import("./cli/main.ts");
