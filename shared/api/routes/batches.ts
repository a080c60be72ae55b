/**
 * Vendor batches: a manifest in, upload targets out, per-file outcomes and the reconciliation report the vendor
 * and the hospital sign a delivery off with. A vendor sees only its own batches (another vendor's batch is a
 * 404, as if it did not exist); an admin reads any. Batches hold file names, sizes, hashes, states and record
 * ids, never anything read from a chart, so these routes return no PHI.
 */
import { stringify } from "csv-stringify/sync";
import * as z from "zod";
import { holdsAny } from "../../auth/permissions";
import type { Principal } from "../../auth/principal";
import {
  fileFlags,
  fileReasonCode,
  isBatchId,
  visibleCounts,
  visibleFileState,
  allFilesFinal,
  type Batch,
  type BatchFile,
} from "../../batches/batch";
import { closeBatch } from "../../batches/close-batch";
import { createBatch, MAX_TARGETS_PER_REQUEST, uploadTargets } from "../../batches/create-batch";
import { CreateBatchSchema, type CreateBatchRequest } from "../../batches/manifest";
import { CURSOR_MESSAGE } from "../../search/search-cursor";
import { ForbiddenError, NotFoundError } from "../api-errors";
import type { ApiDeps } from "../api-deps";
import { defineRoute, type RouteResult } from "../route";
import {
  BatchBody,
  BatchesBody,
  BatchReportBody,
  CreatedBatchBody,
  UploadTargetsBody,
} from "../response-schemas";

/** Vendor names become the first segment of object keys. */
const VENDOR_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

function vendorOf(principal: Principal): string {
  const vendor = principal.vendor;
  if (!vendor) throw new ForbiddenError("this account is not a vendor's");
  if (!VENDOR_NAME.test(vendor))
    throw new ForbiddenError("this vendor account's name cannot be used as an upload prefix");
  return vendor;
}

/** The batch if the caller may see it: its own vendor, or an admin. Anything else is a 404. */
async function visibleBatch(id: string, principal: Principal, deps: ApiDeps): Promise<Batch> {
  const batch = await deps.batches.get(id);
  const mayRead = holdsAny(principal, ["batches:read"]) || (batch && batch.vendor === principal.vendor);
  if (!batch || !mayRead) throw new NotFoundError("batch");
  return batch;
}

/** Only the owning vendor changes a batch. */
async function ownBatch(id: string, principal: Principal, deps: ApiDeps): Promise<Batch> {
  const batch = await deps.batches.get(id);
  if (!batch || batch.vendor !== principal.vendor) throw new NotFoundError("batch");
  return batch;
}

export function batchSummary(batch: Batch) {
  return {
    id: batch.id,
    vendor: batch.vendor,
    name: batch.name,
    ...(batch.reference ? { reference: batch.reference } : {}),
    status: batch.status,
    expectedFiles: batch.expectedFiles,
    unexpectedFiles: batch.unexpectedFiles,
    expectedBytes: batch.expectedBytes,
    counts: visibleCounts(batch),
    createdAt: batch.createdAt,
    closesAt: batch.closesAt,
    ...(batch.closedAt ? { closedAt: batch.closedAt } : {}),
    ...(batch.completedAt ? { completedAt: batch.completedAt } : {}),
  };
}

export function batchFileView(file: BatchFile, batch: Pick<Batch, "status">) {
  const reasonCode = fileReasonCode(file, batch.status);
  return {
    name: file.name,
    expected: file.expected,
    state: visibleFileState(file.state, batch.status),
    ...(reasonCode ? { reasonCode } : {}),
    flags: fileFlags(file),
    recordIds: file.recordIds,
    ...(file.size !== undefined ? { size: file.size } : {}),
    ...(file.sha256 ? { sha256: file.sha256 } : {}),
    ...(file.pages !== undefined ? { pages: file.pages } : {}),
    ...(file.reference ? { reference: file.reference } : {}),
    ...(file.receivedAt ? { receivedAt: file.receivedAt } : {}),
    ...(file.finishedAt ? { finishedAt: file.finishedAt } : {}),
  };
}

const batchParams = z.object({ id: z.string().refine(isBatchId, "must be a batch id") }).strict();
/** Opaque: the store checks it belongs to the listing it is sent back to (else 400 INVALID_CURSOR). */
const cursor = z
  .string()
  .max(2048)
  .regex(/^[A-Za-z0-9_-]+$/, CURSOR_MESSAGE)
  .optional();

export const createBatchRoute = defineRoute<Record<string, never>, Record<string, never>, CreateBatchRequest>(
  {
    method: "POST",
    path: "/batches",
    access: ["batches:own"],
    audited: false,
    summary:
      "Create a batch from a manifest (names, sizes, SHA-256): 201 with upload targets for the first 100 files; the same name and manifest again returns the batch (200)",
    response: CreatedBatchBody,
    request: { body: CreateBatchSchema },
    handle: async ({ body, principal, deps }) => {
      const vendor = vendorOf(principal);
      const { batch, created, targets } = await createBatch(body, { vendor, sub: principal.sub }, deps);
      return {
        statusCode: created ? 201 : 200,
        headers: { Location: `/batches/${batch.id}` },
        body: {
          batch: batchSummary(batch),
          uploadTargets: targets,
          moreTargets: `/batches/${batch.id}/upload-targets`,
        },
      };
    },
  },
);

const targetsBody = z
  .object({
    files: z
      .array(z.string().min(1).max(1024))
      .min(1, "must name at least one file")
      .max(MAX_TARGETS_PER_REQUEST, `must name at most ${MAX_TARGETS_PER_REQUEST} files`),
  })
  .strict();

export const batchUploadTargets = defineRoute<
  { id: string },
  Record<string, never>,
  z.infer<typeof targetsBody>
>({
  method: "POST",
  path: "/batches/{id}/upload-targets",
  access: ["batches:own"],
  audited: false,
  summary: "Upload targets (presigned PUTs, 15 minutes) for up to 100 manifest entries of an open batch",
  response: UploadTargetsBody,
  request: { params: batchParams, body: targetsBody },
  handle: async ({ params, body, principal, deps }) => {
    const batch = await ownBatch(params.id, principal, deps);
    const { targets, unknown } = await uploadTargets(batch, body.files, deps);
    return { body: { targets, unknownFiles: unknown } };
  },
});

const listQuery = z
  .object({ limit: z.coerce.number().int("must be a whole number").min(1).max(100).default(20), cursor })
  .strict();

export const listBatches = defineRoute<Record<string, never>, z.infer<typeof listQuery>>({
  method: "GET",
  path: "/batches",
  access: ["batches:own"],
  audited: false,
  summary: "The calling vendor's batches, newest first, with counts by file state",
  response: BatchesBody,
  request: { query: listQuery },
  handle: async ({ query, principal, deps }) => {
    const page = await deps.batches.listByVendor(vendorOf(principal), {
      limit: query.limit,
      ...(query.cursor ? { cursor: query.cursor } : {}),
    });
    return {
      body: {
        batches: page.items.map(batchSummary),
        ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
      },
    };
  },
});

const batchQuery = z
  .object({ limit: z.coerce.number().int("must be a whole number").min(1).max(1000).default(100), cursor })
  .strict();

export const getBatch = defineRoute<{ id: string }, z.infer<typeof batchQuery>>({
  method: "GET",
  path: "/batches/{id}",
  access: ["batches:own", "batches:read"],
  audited: false,
  summary: "A batch: counts by state and, page by page, each file's state, reason code, record ids and times",
  response: BatchBody,
  request: { params: batchParams, query: batchQuery },
  handle: async ({ params, query, principal, deps }) => {
    const batch = await visibleBatch(params.id, principal, deps);
    const page = await deps.batches.listFiles(batch.id, {
      limit: query.limit,
      ...(query.cursor ? { cursor: query.cursor } : {}),
    });
    return {
      body: {
        batch: batchSummary(batch),
        files: page.items.map((f) => batchFileView(f, batch)),
        ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
      },
    };
  },
});

export const closeBatchRoute = defineRoute<{ id: string }>({
  method: "POST",
  path: "/batches/{id}/close",
  access: ["batches:own"],
  audited: false,
  summary:
    "Close a batch: entries never uploaded become MISSING; the batch completes when every file is final",
  response: BatchBody,
  request: { params: batchParams },
  handle: async ({ params, principal, deps }) => {
    const batch = await closeBatch(await ownBatch(params.id, principal, deps), deps);
    return { body: { batch: batchSummary(batch), files: [] } };
  },
});

const reportQuery = z.object({ format: z.enum(["json", "csv"]).default("json") }).strict();

export const batchReport = defineRoute<{ id: string }, z.infer<typeof reportQuery>>({
  method: "GET",
  path: "/batches/{id}/report",
  access: ["batches:own", "batches:read"],
  audited: false,
  summary:
    "The reconciliation report: every manifest entry and unexpected file with its outcome (JSON or CSV)",
  response: BatchReportBody,
  responseMediaTypes: ["application/json", "text/csv"],
  request: { params: batchParams, query: reportQuery },
  handle: async ({ params, query, principal, deps }) => {
    const batch = await visibleBatch(params.id, principal, deps);
    const files: ReturnType<typeof batchFileView>[] = [];
    let next: string | undefined;
    do {
      const page = await deps.batches.listFiles(batch.id, { limit: 1000, ...(next ? { cursor: next } : {}) });
      files.push(...page.items.map((f) => batchFileView(f, batch)));
      next = page.nextCursor;
    } while (next);
    const complete = batch.status === "COMPLETED" || allFilesFinal(batch);
    if (query.format === "json") return { body: { batch: batchSummary(batch), files, complete } };
    return csvReport(batch, files);
  },
});

const CSV_COLUMNS = [
  "name",
  "expected",
  "state",
  "reasonCode",
  "flags",
  "recordIds",
  "size",
  "sha256",
  "pages",
  "reference",
  "receivedAt",
  "finishedAt",
] as const;

/**
 * One row per file. Cells a spreadsheet would run as a formula (a file name starting with =, +, - or @) are
 * prefixed with a quote: the hospital opens this report in a spreadsheet.
 */
function csvReport(batch: Batch, files: ReturnType<typeof batchFileView>[]): RouteResult {
  const cell = (v: unknown) => {
    const s = Array.isArray(v) ? v.join(" ") : v === undefined ? "" : String(v);
    return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  };
  const rows = files.map((f) =>
    Object.fromEntries(CSV_COLUMNS.map((c) => [c, cell((f as Record<string, unknown>)[c])])),
  );
  return {
    body: stringify(rows, { header: true, columns: [...CSV_COLUMNS] }),
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="batch-${batch.id}.csv"`,
    },
  };
}
