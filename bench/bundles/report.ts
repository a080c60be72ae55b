/** Pure helpers of bench/bundles.ts: statistics, metafile analysis and table formatting. */

/** Median (the upper middle value for an even count); NaN for no values. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/**
 * What an esbuild input path belongs to: the npm package for anything under node_modules (the innermost one
 * for nested installs, `@scope/name` for scoped packages), else the first two path segments of the
 * project file (`shared/extraction`, `functions/ingest`).
 */
export function packageOf(inputPath: string): string {
  const normalized = inputPath.replace(/\\/g, "/");
  const marker = "node_modules/";
  const at = normalized.lastIndexOf(marker);
  if (at >= 0) {
    const [first = "", second = ""] = normalized.slice(at + marker.length).split("/");
    return first.startsWith("@") ? `${first}/${second}` : first;
  }
  return normalized.split("/").slice(0, 2).join("/");
}

export interface InputShare {
  readonly name: string;
  readonly bytes: number;
}

/** esbuild metafile `outputs[…].inputs`: bytes each input contributes to that output. */
export type OutputInputs = Readonly<Record<string, { readonly bytesInOutput: number }>>;

/** The `limit` largest contributors to an output, by package (`byPackage`) or by input file. */
export function topInputs(inputs: OutputInputs, limit: number, byPackage = true): InputShare[] {
  const totals = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(inputs)) {
    const name = byPackage ? packageOf(path) : path;
    totals.set(name, (totals.get(name) ?? 0) + bytesInOutput);
  }
  return [...totals]
    .map(([name, bytes]) => ({ name, bytes }))
    .filter((s) => s.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name))
    .slice(0, limit);
}

/** Bytes in decimal units as the goal is stated (1 MB = 1,000,000 bytes): `987 kB`, `1.42 MB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1_000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${Math.round(bytes / 1_000)} kB`;
  return `${(bytes / 1_000_000).toFixed(2)} MB`;
}

/** A plain-text table: a header row, a rule, then the rows; numeric-looking cells are right-aligned. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const numeric = headers.map(
    (_, i) => rows.length > 0 && rows.every((r) => /^[\d.,\s]+\S*$|^-$/.test(r[i] ?? "")),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}
