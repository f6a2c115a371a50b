// The conformance vectors through the package's ESM entry (`import`).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as api from "whmcs-permissions";
import { loadVectors } from "./load-vectors.mjs";
import { runCase } from "../shared/vector-runner.js";

const files = loadVectors();
let count = 0;
for (const [fileName, file] of Object.entries(files)) {
  for (const c of file.cases) {
    count++;
    test(`esm ${fileName} ${c.name}`, () => {
      const why = runCase(api, file, c);
      assert.equal(why, null, why ?? "");
    });
  }
}
test(`esm ran ${count} vectors`, () => assert.ok(count >= 100, `only ${count} vectors`));
