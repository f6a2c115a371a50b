// js/generated.ts and js/glue.d.ts are derived from the core and committed,
// so that `tsc --noEmit` works on a fresh clone. This fails when a committed
// copy no longer matches what the core (as last built) makes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { generatedFiles, staleFiles } from "../../scripts/generated.mjs";

test("the committed generated files match the core", async () => {
  assert.deepEqual((await generatedFiles()).map((f) => f.path), ["js/generated.ts", "js/glue.d.ts"]);
  const stale = (await staleFiles()).map((f) => f.path);
  assert.deepEqual(stale, [], `out of date with the core: ${stale.join(", ")}; run \`npm run build\` and commit them`);
});
