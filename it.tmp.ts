import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { LocalStack } from "./local/runtime/local-stack";
import { createS3Client } from "./shared/adapters/s3/s3-client";
import { documentIdFor } from "./shared/domain/document-id";
import { buildChartSpec } from "./samples/generator/chart-spec";
import { toPdf } from "./samples/generator/render-chart";
const dataDir = mkdtempSync(join(tmpdir(), "it-"));
const stack = await LocalStack.start({ dataDir, apiPort: 0, ocrWorkers: 2, inMemoryDb: true, logLevel: "INFO" });
console.log("started", stack.apiUrl);
const s3 = createS3Client({ AWS_REGION: "us-east-1", S3_ENDPOINT: stack.config.S3_ENDPOINT });
const pdf = toPdf(buildChartSpec({ seed: 4242, documentType: "discharge_summary", pages: 2 }));
const out = await s3.send(new PutObjectCommand({ Bucket: stack.config.UPLOAD_BUCKET, Key: "vendor-a/batch-1/discharge.pdf", Body: pdf }));
const id = documentIdFor({ bucket: stack.config.UPLOAD_BUCKET, key: "vendor-a/batch-1/discharge.pdf", versionId: out.VersionId, etag: out.ETag });
console.log("uploaded", id, out.VersionId);
for (let i = 0; i < 120; i++) {
  try {
    const res = await fetch(new URL(`/records/${id}`, stack.apiUrl));
    const body = await res.text();
    console.log(i, res.status, body.slice(0, 200));
    if (body.includes('"INDEXED"') || body.includes('"NEEDS_REVIEW"') || body.includes('"FAILED"') || body.includes('"REJECTED"')) break;
  } catch (e) { console.log(i, "fetch error", (e as Error).cause ?? e); }
  await new Promise((r) => setTimeout(r, 1000));
}
await stack.stop();
