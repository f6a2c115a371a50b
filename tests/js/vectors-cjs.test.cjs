// The conformance vectors through the package's CommonJS entry (`require`).
const { test } = require("node:test");
const assert = require("node:assert/strict");
const api = require("whmcs-permissions");

test("cjs: every vector agrees", async (t) => {
  const { loadVectors } = await import("./load-vectors.mjs");
  const { runCase } = await import("../shared/vector-runner.js");
  let count = 0;
  for (const [fileName, file] of Object.entries(loadVectors())) {
    for (const c of file.cases) {
      count++;
      await t.test(`cjs ${fileName} ${c.name}`, () => {
        const why = runCase(api, file, c);
        assert.equal(why, null, why ?? "");
      });
    }
  }
  assert.ok(count >= 100, `only ${count} vectors`);
  t.diagnostic(`cjs: ${count} vectors run`);
});
