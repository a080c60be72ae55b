import type { ChartRecord } from "../../../shared/domain/chart-record";
import { apiGet, requireRuntime } from "../api-client";

/** `chartbridge show <id>`: one record, as the API returns it. */
export async function showCommand(id: string, opts: { dataDir: string; json: boolean }): Promise<number> {
  const runtime = requireRuntime(opts.dataDir);
  const res = await apiGet<ChartRecord & { message?: string }>(
    runtime,
    opts.dataDir,
    `/records/${encodeURIComponent(id)}`,
  );
  if (res.status !== 200) {
    console.error(`${res.status}: ${res.body.message ?? "error"}`);
    return 1;
  }
  const r = res.body;
  if (opts.json) {
    console.log(JSON.stringify(r, null, 2));
    return 0;
  }
  console.log(`${r.id}  ${r.status}${r.statusReason ? ` (${r.statusReason})` : ""}`);
  console.log(
    `  source:   s3://${r.source.bucket}/${r.source.key}  ${r.source.size} bytes  sha256 ${r.sha256}`,
  );
  console.log(`  type:     ${r.documentType ?? "?"}   pages: ${r.pageCount ?? "?"}   version: ${r.version}`);
  if (r.split) {
    const parts = r.split.partIds
      ? `; parts ${r.split.partIds.join(", ")}`
      : `; file record ${r.split.fileRecordId}`;
    console.log(
      `  split:    document ${r.split.part} of ${r.split.of}, file pages ${r.split.pages.join("–")}${parts}`,
    );
  }
  for (const [name, f] of Object.entries(r.fields)) {
    console.log(`  ${name.padEnd(14)} ${f.value}  (confidence ${f.confidence.toFixed(2)}, page ${f.page})`);
  }
  if (r.diagnoses.length)
    console.log(`  diagnoses:   ${r.diagnoses.map((d) => d.code ?? d.text).join("; ")}`);
  if (r.medications.length) console.log(`  medications: ${r.medications.map((m) => m.text).join("; ")}`);
  if (r.allergies.length) console.log(`  allergies:   ${r.allergies.map((a) => a.text).join("; ")}`);
  console.log("  history:");
  for (const h of r.history)
    console.log(`    ${h.at}  ${h.from ?? "∅"} → ${h.to}${h.reasonCode ? ` (${h.reasonCode})` : ""}`);
  return 0;
}
