#!/usr/bin/env node
// Counts of work, not timings: the native probe (examples/work/) runs each
// case once under callgrind, which counts the instructions it executes —
// the same binary on the same input gives the same count, on a loaded CI
// machine as on an idle one. Asserted:
//
// - linear cases (params and states 10x larger): 10x the input costs
//   LINEAR.min to LINEAR.max times the instructions;
// - store cases (every Store method at 1,000 and 1,000,000 links):
//   instructions per call within STORE_LIMIT of each other.
//
// Prints a table and ends with "work counts: N passed, N failed". Needs
// valgrind (Debian package `valgrind`); without it this fails, it never
// skips. `--keep` keeps callgrind's dumps (their folder is printed).
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const LINEAR = { min: 8, max: 12 };
const STORE_LIMIT = 1.5;
const root = new URL("../..", import.meta.url).pathname;

function fail(message) {
  console.error(`work counts: ${message}`);
  console.log("work counts: 0 passed, 1 failed");
  process.exit(1);
}

const valgrind = spawnSync("valgrind", ["--version"], { encoding: "utf8" });
if (valgrind.status !== 0) {
  fail("valgrind is not installed (it counts the instructions); install Debian's package: apt-get install -y valgrind");
}
console.log(`${valgrind.stdout.trim()}; building the probe (cargo build --release --example work)`);
execFileSync("cargo", ["build", "--quiet", "--release", "--example", "work"], { cwd: root, stdio: "inherit" });
const targetDir = JSON.parse(
  execFileSync("cargo", ["metadata", "--format-version", "1", "--no-deps"], { cwd: root, encoding: "utf8", maxBuffer: 1 << 26 }),
).target_directory;
const probe = join(targetDir, "release", "examples", "work");

// The probe turns instrumentation on around each counted call only (the
// setup runs uninstrumented, several times faster) and callgrind dumps
// after each one. glibc's memcpy switches strategy with the size (`rep
// movsb`, counted per byte, up to a few MB; a vector loop above), which
// would make a 10 MB copy cost fewer instructions than a 1 MB one: these
// tunables keep one strategy for every size.
const dir = mkdtempSync(join(tmpdir(), "whmcs-work-"));
const started = Date.now();
const run = spawnSync(
  "valgrind",
  ["--tool=callgrind", "--instr-atstart=no", "--collect-atstart=no", "--toggle-collect=counted_call",
    "--dump-after=counted_call", `--callgrind-out-file=${join(dir, "cg.out")}`, probe],
  {
    encoding: "utf8",
    maxBuffer: 1 << 26,
    env: {
      ...process.env,
      GLIBC_TUNABLES: "glibc.cpu.x86_rep_movsb_threshold=0x7fffffff:glibc.cpu.x86_rep_stosb_threshold=0x7fffffff:glibc.cpu.x86_non_temporal_threshold=0x7fffffffffff",
    },
  },
);
if (run.status !== 0) fail(`the probe failed under valgrind (exit ${run.status}):\n${run.stderr}`);
const labels = run.stdout.trim().split("\n").map((line) => {
  const [name, size, calls] = line.split("\t");
  return { name, size, calls: Number(calls) };
});
const dumps = readdirSync(dir)
  .map((f) => /^cg\.out\.(\d+)$/.exec(f))
  .filter(Boolean)
  .sort((a, b) => a[1] - b[1])
  .map((m) => join(dir, m[0]));
if (dumps.length !== labels.length) fail(`${labels.length} cases but ${dumps.length} callgrind dumps (in ${dir})`);

/**
 * The instructions in one dump: the sum of its self-cost lines. (Its
 * `summary:` line is not used: callgrind miscomputes it when
 * instrumentation is switched off and on between dumps; the cost lines are
 * right.) A cost line is `<position> <Ir>`; the line after `calls=` is the
 * inclusive cost of that call, already counted in the callee's lines.
 */
function instructions(file) {
  let total = 0;
  let afterCalls = false;
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (line.startsWith("calls=")) {
      afterCalls = true;
      continue;
    }
    const m = /^(?:[+-]?\d+|\*) (\d+)$/.exec(line);
    if (!m) continue;
    if (afterCalls) afterCalls = false;
    else total += Number(m[1]);
  }
  return total;
}

const measured = labels.map((l, i) => ({ ...l, ir: instructions(dumps[i]) }));
if (measured.every((m) => m.ir === 0)) fail("callgrind counted nothing (examples/work/callgrind.rs speaks its client requests on x86_64 and aarch64 only)");
if (!process.argv.includes("--keep")) rmSync(dir, { recursive: true, force: true });
else console.log(`dumps kept in ${dir}`);

// Pair each case's two sizes, in the order the probe ran them.
const cases = [];
for (const m of measured) {
  const c = cases.find((x) => x.name === m.name && x.large === undefined);
  if (c) c.large = m;
  else cases.push({ name: m.name, small: m });
}

const fmt = (n) => Math.round(n).toLocaleString("en-US");
const rows = cases.map(({ name, small, large }) => {
  const store = name.startsWith("store ");
  const a = small.ir / small.calls;
  const b = large ? large.ir / large.calls : NaN;
  const ratio = b / a;
  const [lo, hi] = store ? [1 / STORE_LIMIT, STORE_LIMIT] : [LINEAR.min, LINEAR.max];
  const ok = small.ir > 0 && ratio >= lo && ratio <= hi;
  return {
    name,
    small: `${fmt(a)} (${small.size})`,
    large: large ? `${fmt(b)} (${large.size})` : "missing",
    ratio: Number.isFinite(ratio) ? `${ratio.toFixed(2)}x` : "—",
    limit: store ? `≤ ${STORE_LIMIT}x either way` : `${LINEAR.min}-${LINEAR.max}x`,
    ok,
  };
});

console.log("\n| case | small: Ir (per call for store cases) | large: Ir | ratio | limit | ok |");
console.log("|---|---:|---:|---:|---|:-:|");
for (const r of rows) console.log(`| ${r.name} | ${r.small} | ${r.large} | ${r.ratio} | ${r.limit} | ${r.ok ? "yes" : "NO"} |`);
const failed = rows.filter((r) => !r.ok);
console.log(`\n${measured.length} counted calls under callgrind in ${((Date.now() - started) / 1000).toFixed(0)} s`);
for (const r of failed) console.error(`OUT OF LIMITS: ${r.name}: ${r.small} -> ${r.large} = ${r.ratio}, limit ${r.limit}`);
console.log(`work counts: ${rows.length - failed.length} passed, ${failed.length} failed`);
process.exit(failed.length === 0 ? 0 : 1);
