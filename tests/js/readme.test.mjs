// The README's Node examples run as written (a block that uses `state`
// without defining it gets the sample state of the first example).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]).filter((b) => /^const .* = require\("whmcs-permissions"\);/m.test(b));
const sampleState = `const state = {
  users: [{ id: 1, email: "ben@example.com" }, { id: 2, email: "ana@example.com" }, { id: 4 }],
  clients: [{ id: 1, owner_user_id: 1 }],
  user_clients: [{ user_id: 2, client_id: 1, permissions: ["profile"] }, { user_id: 4, client_id: 1, permissions: [] }],
};\n`;

test("the README has runnable CommonJS examples", () => assert.ok(blocks.length >= 2, `${blocks.length}`));

blocks.forEach((block, i) => {
  test(`README example ${i + 1} runs`, () => {
    const file = new URL(`./readme-example-${i}.tmp.cjs`, import.meta.url);
    const code = (/\bconst state\b/.test(block) ? "" : sampleState) + block;
    writeFileSync(file, code);
    try {
      const out = execFileSync(process.execPath, [file.pathname], { encoding: "utf8" });
      if (i === 0) {
        assert.match(out, /^\{"result":"success"\}$/m);
        assert.match(out, /\[ 'profile', 'invoices' \] \[ 'profile', 'invoices' \]/);
      }
    } finally {
      rmSync(file, { force: true });
    }
  });
});
