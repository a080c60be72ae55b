import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The chartbridge checkout this code runs from, whether from its sources or from the compiled CLI bundle. */
export function packageRoot(from: string = fileURLToPath(import.meta.url)): string {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, "utf8")).name === "chartbridge") return dir;
    if (dirname(dir) === dir) throw new Error("chartbridge's package.json was not found");
  }
}
