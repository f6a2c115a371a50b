// The TypeScript types (js/types.ts) against what the Rust core really
// returns: every response, change record and read plan the built package
// produces for every conformance vector is written into a TypeScript file
// as a literal that must type-check against its declared type (excess
// properties are errors, so a field Rust adds that the types lack fails),
// and every member of the `ApiResponse` and `Change` unions must be
// produced at least once (so a type that Rust no longer produces fails).
// Run: node tests/types/drift.mjs (after the build); exits 1 on drift.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as api from "whmcs-permissions";
import { loadVectors } from "../js/load-vectors.mjs";
import { resolve } from "../shared/vector-runner.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const out = join(root, "target", "type-drift");

/** The declared response type of each functional call. */
const RESPONSE_TYPE = {
  updateUserPermissions: "SuccessResponse | ErrorResponse",
  deleteUserClient: "SuccessResponse | ErrorResponse",
  createClientInvite: "SuccessResponse | ErrorResponse",
  addUser: "UserIdResponse | ErrorResponse",
  updateUser: "UserIdResponse | ErrorResponse",
  resetPassword: "SuccessResponse | ErrorResponse",
  getUserPermissions: "PermissionsResponse | ErrorResponse",
  getUsers: "UsersResponse | ErrorResponse",
  getPermissionsList: "PermissionsResponse",
  localApi: "ApiResponse",
};

/** Which union member a value is, by its keys (every member must be seen). */
function responseMember(r) {
  if (r.result === "error") return "ErrorResponse";
  if ("permissions" in r) return "PermissionsResponse";
  if ("user_id" in r) return "UserIdResponse";
  if ("users" in r) return "UsersResponse";
  return "SuccessResponse";
}

const lines = [];
const seenResponses = new Set();
const seenOps = new Set();
let n = 0;
const literal = (v) => JSON.stringify(v);

for (const [name, file] of Object.entries(loadVectors())) {
  for (const c of file.cases) {
    if (!(c.call in RESPONSE_TYPE)) continue;
    const state = resolve(file, c.state);
    let result;
    try {
      if (c.call === "localApi") result = api.localApi(c.command, c.postData, state);
      else if (c.call === "getPermissionsList") result = api.getPermissionsList();
      else result = api[c.call](state, c.params);
    } catch {
      continue; // a throw is what the vector expects: no value to type
    }
    const response = "response" in result ? result.response : result;
    seenResponses.add(responseMember(response));
    lines.push(`(${literal(response)}) satisfies ${RESPONSE_TYPE[c.call]}; // ${name} ${c.name}`);
    for (const change of result.changes ?? []) {
      seenOps.add(change.op);
      lines.push(`(${literal(change)}) satisfies Change;`);
    }
    if (c.call !== "getPermissionsList" && typeof (c.command ?? "") === "string") {
      const command = c.call === "localApi" ? c.command : c.call[0].toUpperCase() + c.call.slice(1);
      const params = c.call === "localApi" ? c.postData : c.params;
      try {
        lines.push(`(${literal(api.readPlan(command, params))}) satisfies ReadPlan;`);
      } catch {
        // a TypeError for non-object params, as localApi throws
      }
    }
    n++;
  }
}
lines.push(`(${literal(api.commandTable())}) satisfies readonly CommandInfo[];`);

// Every declared union member is produced (generated from the declared
// unions, so a member nobody produces is a compile error).
const members = [...seenResponses].map((m) => JSON.stringify(m)).join(" | ") || "never";
const ops = [...seenOps].map((o) => `${JSON.stringify(o)}: 0`).join(", ");
lines.push(`type Seen = ${members};`);
lines.push(`const members: Record<"SuccessResponse" | "PermissionsResponse" | "UserIdResponse" | "UsersResponse" | "ErrorResponse", 0> = { ${[...seenResponses].map((m) => `${m}: 0`).join(", ")} };`);
lines.push(`const seen: Seen[] = [];`);
lines.push(`const ops: Record<Change["op"], 0> = { ${ops} };`);
lines.push(`export { members, seen, ops };`);

mkdirSync(out, { recursive: true });
const header = `import type { ApiResponse, Change, CommandInfo, ErrorResponse, PermissionsResponse, ReadPlan, SuccessResponse, UserIdResponse, UsersResponse } from "whmcs-permissions";\n`;
writeFileSync(join(out, "check.ts"), header + lines.join("\n") + "\n");
writeFileSync(
  join(out, "tsconfig.json"),
  JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, module: "esnext", moduleResolution: "bundler", target: "es2022", skipLibCheck: false, types: [] },
    files: ["check.ts"],
  }),
);
const tsc = join(root, "node_modules", ".bin", "tsc");
try {
  execFileSync(tsc, ["-p", join(out, "tsconfig.json")], { stdio: "inherit" });
} catch {
  console.error(`type drift: the declared types do not match what the core returns (see ${join(out, "check.ts")})`);
  process.exit(1);
}
console.log(`types match the core: ${n} vector calls, ${lines.length} literals, responses ${[...seenResponses].sort().join(", ")}; changes ${[...seenOps].sort().join(", ")}`);
