import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { SingleBar, Presets } from "cli-progress";
import { documentIdFor } from "../../shared/domain/document-id";
import { isTerminal, type DocumentStatus } from "../../shared/domain/status";

export interface UploadedFile {
  file: string;
  key: string;
  id: string;
}

export interface FileOutcome extends UploadedFile {
  status: DocumentStatus | "TIMED_OUT";
  reason?: string;
  duplicateOf?: string;
  /** When the file held several documents: every part's record id (this file's own id first). */
  partIds?: string[];
}

export type StatusLookup = (
  id: string,
) => Promise<
  | { status: DocumentStatus; statusReason?: string; duplicateOf?: string; split?: { partIds?: string[] } }
  | undefined
>;

/** Uploads files to the upload bucket as a scanning vendor would: `<vendor>/<batch>/<file name>`. */
export async function uploadFiles(
  s3: S3Client,
  bucket: string,
  files: string[],
  prefix: string,
): Promise<UploadedFile[]> {
  const uploaded: UploadedFile[] = [];
  for (const file of files) {
    const key = `${prefix}/${basename(file)}`;
    const out = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: readFileSync(file) }));
    uploaded.push({
      file,
      key,
      id: documentIdFor({ bucket, key, versionId: out.VersionId, etag: out.ETag }),
    });
  }
  return uploaded;
}

/** Polls each uploaded file's record until it reaches a terminal state, with a progress bar on a terminal. */
export async function waitForOutcomes(
  uploads: UploadedFile[],
  lookup: StatusLookup,
  opts: { timeoutMs: number; progress: boolean },
): Promise<FileOutcome[]> {
  const bar = opts.progress
    ? new SingleBar(
        { format: "  processing [{bar}] {value}/{total} files | {duration}s", hideCursor: true },
        Presets.shades_classic,
      )
    : undefined;
  bar?.start(uploads.length, 0);
  const outcomes = new Map<string, FileOutcome>();
  const deadline = Date.now() + opts.timeoutMs;
  while (outcomes.size < uploads.length && Date.now() < deadline) {
    for (const u of uploads) {
      if (outcomes.has(u.id)) continue;
      const record = await lookup(u.id).catch(() => undefined);
      if (record && isTerminal(record.status)) {
        outcomes.set(u.id, {
          ...u,
          status: record.status,
          reason: record.statusReason,
          duplicateOf: record.duplicateOf,
          partIds: record.split?.partIds,
        });
        bar?.increment();
      }
    }
    if (outcomes.size < uploads.length) await new Promise((r) => setTimeout(r, 300));
  }
  bar?.stop();
  return uploads.map((u) => outcomes.get(u.id) ?? { ...u, status: "TIMED_OUT" as const });
}

export function formatOutcomes(outcomes: FileOutcome[]): string {
  const note = (o: FileOutcome) =>
    [
      o.reason,
      o.duplicateOf ? `duplicate of ${o.duplicateOf}` : undefined,
      o.partIds ? `split into ${o.partIds.length} documents: ${o.partIds.join(", ")}` : undefined,
    ]
      .filter(Boolean)
      .join("; ");
  const rows = outcomes.map((o) => [basename(o.file), o.id, o.status, note(o)]);
  const header = ["FILE", "RECORD ID", "STATUS", "REASON"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows]
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
