// Reads tests/vectors/*.json (Node, Deno and Bun all have node:fs).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const vectorsDir = fileURLToPath(new URL("../vectors/", import.meta.url));

export function loadVectors() {
  const files = {};
  for (const name of readdirSync(vectorsDir).filter((f) => f.endsWith(".json")).sort()) {
    files[name] = JSON.parse(readFileSync(join(vectorsDir, name), "utf8"));
  }
  return files;
}
