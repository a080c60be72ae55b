import { basename } from "node:path";
import { createS3Client } from "../../../shared/adapters/s3/s3-client";
import type { ChartRecord } from "../../../shared/domain/chart-record";
import { apiGet, requireRuntime } from "../api-client";
import { collectFiles } from "../collect-files";
import { formatOutcomes, uploadFiles, waitForOutcomes } from "../upload-and-wait";

export interface IngestOptions {
  dataDir: string;
  vendor: string;
  batch?: string;
  json: boolean;
  timeout: number;
}

/** `chartbridge ingest`: upload scans into the running stack and report each file's final state. */
export async function ingestCommand(paths: string[], opts: IngestOptions): Promise<number> {
  const runtime = requireRuntime(opts.dataDir);
  const files = collectFiles(paths);
  if (files.length === 0) throw new Error("No scan files (PDF, TIFF, PNG, JPEG) found in the given paths");
  const batch = opts.batch ?? new Date().toISOString().replace(/[:.]/g, "-");
  const s3 = createS3Client({ AWS_REGION: "us-east-1", S3_ENDPOINT: runtime.s3Endpoint });
  if (!opts.json)
    console.log(`Uploading ${files.length} file(s) to s3://${runtime.uploadBucket}/${opts.vendor}/${batch}/`);
  const uploads = await uploadFiles(s3, runtime.uploadBucket, files, `${opts.vendor}/${batch}`);
  const outcomes = await waitForOutcomes(
    uploads,
    async (id) => {
      const res = await apiGet<ChartRecord>(runtime, opts.dataDir, `/records/${id}`);
      return res.status === 200 ? res.body : undefined;
    },
    { timeoutMs: opts.timeout * 1000, progress: !opts.json && process.stdout.isTTY === true },
  );
  if (opts.json) {
    const rows = outcomes.map((o) => ({
      file: o.file,
      name: basename(o.file),
      key: o.key,
      id: o.id,
      status: o.status,
      ...(o.reason ? { reason: o.reason } : {}),
      ...(o.duplicateOf ? { duplicateOf: o.duplicateOf } : {}),
      ...(o.partIds ? { documents: o.partIds } : {}),
    }));
    console.log(JSON.stringify(rows, null, 2));
  } else {
    console.log(formatOutcomes(outcomes));
  }
  return outcomes.some((o) => o.status === "TIMED_OUT") ? 2 : 0;
}
