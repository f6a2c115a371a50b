// MariaDB's import of a large state (js/server/storage/bulk.ts importStaged):
// staging copies of the tables, filled without their secondary indexes,
// indexed, then swapped in by one RENAME TABLE. Forced here on small states
// (`staged: true`): the same canonical state comes back, the indexes are all
// there, a non-empty database is refused untouched, an invalid state writes
// nothing, and no staging table is left behind.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { exportState, freshDatabase, sample, withStorage } from "../demo/helpers.mjs";
import { canonical } from "../../target/server/storage.mjs";

const tables = (s) => s.kysely.introspection.getTables().then((ts) => ts.map((t) => t.name).sort());
const indexes = (s) =>
  s.kysely
    .selectFrom("information_schema.statistics")
    .select(["table_name", "index_name", "non_unique", "column_name", "seq_in_index"])
    .where("table_schema", "=", s.kysely.fn("database", []))
    .orderBy("table_name")
    .orderBy("index_name")
    .orderBy("seq_in_index")
    .execute();

describe("MariaDB staged import", () => {
  test("round trip, the same indexes as a migrated database, refusals leave it untouched", async () => {
    const db = await freshDatabase("mariadb");
    const plain = await freshDatabase("mariadb");
    const state = sample();
    await withStorage(plain, (s) => s.importState(state, { staged: false }));
    const counts = await withStorage(db, (s) => s.importState(state, { staged: true }));
    assert.equal(counts.user_clients, state.user_clients.length);
    assert.deepEqual(await exportState(db), canonical(state));
    const [staged, migrated] = await Promise.all([withStorage(db, indexes), withStorage(plain, indexes)]);
    assert.ok(migrated.length > 10);
    assert.deepEqual(staged, migrated, "every index back, as the migrations made it");
    assert.deepEqual(await withStorage(db, tables), await withStorage(plain, tables), "no staging table left");

    const before = await exportState(db);
    await assert.rejects(withStorage(db, (s) => s.importState(state, { staged: true })), { name: "NotEmpty" });
    await assert.rejects(withStorage(db, (s) => s.importState({ ...state, users: state.users.slice(1) }, { staged: true, replace: true })), { name: "StateError" });
    assert.deepEqual(await exportState(db), before);
    assert.deepEqual(await withStorage(db, tables), await withStorage(plain, tables));

    const smaller = { ...state, user_clients: state.user_clients.slice(1), invites: [] };
    await withStorage(db, (s) => s.importState(smaller, { staged: true, replace: true }));
    assert.deepEqual(await exportState(db), canonical(smaller));
  });
});
