/**
 * The records API in memory, called the way API Gateway calls it: a request with the claims its Cognito
 * authorizer passes. Answers as HTTP would (status and body), errors included.
 */
import { httpErrorFor } from "../../shared/api/api-errors";
import type { ApiDeps } from "../../shared/api/api-deps";
import { handleApiRequest, type ApiRequest } from "../../shared/api/records-api";
import { principalFromClaims, type AuthorizerClaims } from "../../shared/auth/principal";
import { newRecord, transition, type ChartRecord } from "../../shared/domain/chart-record";
import { buildDoc, page } from "../unit/extraction/build-blocks";
import { toSearchDocument } from "../../shared/search/to-search-document";
import { newReprocessJob } from "../../shared/jobs/reprocess-job";
import type { PageImage, PageImageRenderer, PageRangeExtractor } from "../../shared/api/page-images";
import { InMemoryExportQueue, InMemoryExportStore } from "./in-memory-exports";
import type { ExportDeps } from "../../shared/fhir/bulk-export/run-export";
import { InMemoryPatientDirectory } from "./in-memory-patient-directory";
import { batchIdFor } from "../../shared/batches/batch";
import { createBatch } from "../../shared/batches/create-batch";
import { CreateBatchSchema } from "../../shared/batches/manifest";
import { fakeSigner, InMemoryBatchStore, listingOf } from "./in-memory-batches";
import { InMemoryChangeFeed } from "./in-memory-change-feed";
import {
  RecordingLogger,
  InMemoryAuditLog,
  InMemoryJobQueue,
  InMemoryJobStore,
  InMemoryObjectLinks,
  InMemoryObjectStore,
  InMemoryRecordStore,
  InMemorySearchIndex,
} from "./in-memory-ports";

/** Renders "page N of <scan bytes>" as the PNG; counts renders. */
export class FakePageImages implements PageImageRenderer {
  readonly rendered: number[] = [];
  async render(scan: Uint8Array, page: number): Promise<PageImage> {
    this.rendered.push(page);
    return {
      png: Buffer.from(`png of page ${page} of ${Buffer.from(scan).toString()}`),
      width: 1275,
      height: 1650,
      pageCount: 2,
    };
  }
}

/** Part PDFs as the harness sees them: the scan's text and the page range (a real PDF is made in mupdf's tests). */
export class FakePageRanges implements PageRangeExtractor {
  async extractPdf(scan: Uint8Array, first: number, last: number): Promise<Uint8Array> {
    return Buffer.from(`%PDF pages ${first}-${last} of ${Buffer.from(scan).toString()}`);
  }
}

/** The FHIR id of the harness's patient (MRN). */
export const PATIENT_ID = "pat-00000000-0000-4000-8000-000000000001";

/** A finished export of the fhir-client (nothing in it): what its status URL answers. */
export const EXPORT_JOB_ID = "exp_00000000-0000-4000-8000-000000000001";

/** The facility's MRN system in the harness. */
export const MRN_SYSTEM = "urn:oid:2.16.840.1.113883.19.5";

/** The callers of the route × role table, as the claims of their access tokens. */
export const CALLERS = {
  none: undefined,
  admin: { sub: "sub-admin", username: "alice", "cognito:groups": "admin", scope: "records/staff" },
  "records-staff": {
    sub: "sub-staff",
    username: "sam",
    "cognito:groups": "records-staff",
    scope: "records/staff",
  },
  vendor: {
    sub: "sub-vendor",
    username: "acme-uploader",
    "cognito:groups": "vendor",
    "custom:vendor": "acme",
  },
  "other-vendor": {
    sub: "sub-vendor2",
    username: "zeta-uploader",
    "cognito:groups": "vendor",
    "custom:vendor": "zeta",
  },
  "machine-client": { sub: "ehr-client-id", client_id: "ehr-client-id", scope: "records/read" },
  "fhir-client": { sub: "hie-client-id", client_id: "hie-client-id", scope: "system/*.read" },
  "user-without-group": { sub: "sub-nobody", username: "nobody", scope: "records/staff" },
  "client-without-scope": { sub: "other-client", client_id: "other-client", scope: "openid" },
} satisfies Record<string, AuthorizerClaims | undefined>;
export type Caller = keyof typeof CALLERS;

export const MRN = "00451287";

/** Vendor acme's batch "box-7" (the harness record's upload is in it): two files declared. */
export const BATCH_ID = batchIdFor("acme", "box-7");

/** An indexed chart of vendor "acme" with a patient identity, in the store and the search index. */
export function indexedRecord(id = "doc_0123456789abcdef0123456789abcdef"): ChartRecord {
  const created = newRecord({
    id,
    sha256: "ab".repeat(32),
    source: {
      bucket: "uploads",
      key: "acme/box-7/lopez.pdf",
      versionId: "v1",
      vendor: "acme",
      batch: "box-7",
      size: 1234,
    },
    fileType: "pdf",
    pageCount: 2,
    now: "2026-11-20T10:00:00.000Z",
  });
  const box = { left: 0.1, top: 0.1, width: 0.2, height: 0.02 };
  const record: ChartRecord = {
    ...created,
    documentType: "progress_note",
    fields: {
      patientName: { value: "Maria Lopez", confidence: 0.97, page: 1, bbox: box },
      dateOfBirth: { value: "1962-03-14", confidence: 0.95, page: 1, bbox: box },
      mrn: { value: MRN, confidence: 0.99, page: 1, bbox: box },
      dateOfService: { value: "2026-11-02", confidence: 0.9, page: 1, bbox: box },
    },
  };
  return transition(
    transition(transition(record, "OCR_PENDING", { now: "2026-11-20T10:00:01.000Z" }), "EXTRACTED", {
      now: "2026-11-20T10:00:05.000Z",
    }),
    "INDEXED",
    { now: "2026-11-20T10:00:06.000Z" },
  );
}

/** The stored OCR output of the harness's record: what reprocessing reads (a progress note for Maria Lopez). */
export const STORED_OCR = buildDoc([
  page(
    "PROGRESS NOTE",
    "Patient Name: Maria Lopez",
    "DOB: 03/14/1962",
    `MRN: ${MRN}`,
    "Date of Service: 11/02/2026",
    "Subjective: follow-up of type 2 diabetes.",
  ),
  page("Plan: continue metformin 500 mg twice daily."),
]);

/** A reprocess job every harness starts with (one record, running). */
export const JOB_ID = "job_00000000-0000-4000-8000-000000000001";

export interface ApiHarness {
  deps: ApiDeps & {
    records: InMemoryRecordStore;
    search: InMemorySearchIndex;
    audit: InMemoryAuditLog;
    storage: InMemoryObjectLinks;
    objects: InMemoryObjectStore;
    pageImages: FakePageImages;
    jobs: InMemoryJobStore;
    jobQueue: InMemoryJobQueue;
    batches: InMemoryBatchStore;
    changes: InMemoryChangeFeed;
    patients: InMemoryPatientDirectory;
    exports: InMemoryExportStore;
    exportQueue: InMemoryExportQueue;
  };
  record: ChartRecord;
  call(
    caller: Caller,
    req: Partial<Omit<ApiRequest, "principal">> & { path: string },
  ): Promise<{ status: number; body: unknown; headers: Record<string, string> }>;
}

/** What the background worker runs exports with, over the harness's stores. */
export function exportDepsOf(deps: ApiHarness["deps"]): ExportDeps {
  return {
    search: deps.search,
    records: deps.records,
    patients: deps.patients,
    objects: deps.objects,
    exports: deps.exports,
    resultsBucket: deps.resultsBucket,
    mrnSystem: deps.fhir.mrnSystem,
    now: deps.now,
  };
}

export async function apiHarness(): Promise<ApiHarness> {
  const records = new InMemoryRecordStore();
  const search = new InMemorySearchIndex();
  const audit = new InMemoryAuditLog();
  const storage = new InMemoryObjectLinks();
  storage.put("uploads", "acme/box-7/lopez.pdf", Buffer.from("%PDF-1.7 two pages"), "v1");
  const pageImages = new FakePageImages();
  const objects = new InMemoryObjectStore();
  const record: ChartRecord = {
    ...indexedRecord(),
    ocr: {
      engine: "textract",
      jobId: "job-1",
      resultBucket: "results",
      resultKey: "ocr/doc_0123456789abcdef0123456789abcdef/textract.json",
    },
  };
  records.put(record);
  await objects.putJson("results", `ocr/${record.id}/textract.json`, STORED_OCR);
  await search.upsert(toSearchDocument(record, "Progress note. Patient Maria Lopez."));
  const jobs = new InMemoryJobStore();
  await jobs.create(
    newReprocessJob(JOB_ID, { sub: "sub-admin", name: "ada" }, 1, "2026-12-03T11:00:00.000Z"),
  );
  let tick = 0;
  const batches = new InMemoryBatchStore();
  await createBatch(
    CreateBatchSchema.parse({
      name: "box-7",
      files: [
        { name: "lopez.pdf", size: 1234, sha256: "ab".repeat(32) },
        { name: "never-sent.pdf", size: 99, sha256: "cd".repeat(32) },
      ],
    }),
    { vendor: "acme", sub: "sub-vendor" },
    { batches, signer: fakeSigner, now: () => "2026-11-20T09:00:00.000Z" },
  );
  const exports = new InMemoryExportStore();
  await exports.create({
    id: EXPORT_JOB_ID,
    status: "COMPLETED",
    level: "system",
    types: ["Patient", "DocumentReference"],
    requestedBy: { sub: "hie-client-id", name: "hie-client-id" },
    request: "http://localhost/fhir/$export",
    baseUrl: "http://localhost/fhir",
    transactionTime: "2026-11-30T00:00:00.000Z",
    createdAt: "2026-11-30T00:00:00.000Z",
    updatedAt: "2026-11-30T00:00:01.000Z",
    completedAt: "2026-11-30T00:00:01.000Z",
    outputs: [],
    patients: 0,
    disclosuresRecorded: 0,
  });
  const patients = new InMemoryPatientDirectory();
  patients.seed(MRN, PATIENT_ID);
  const deps = {
    records,
    search,
    audit,
    reviewThreshold: 0.8,
    storage,
    objects,
    resultsBucket: "results",
    pageImages,
    jobs,
    jobQueue: new InMemoryJobQueue(),
    changes: new InMemoryChangeFeed(),
    batches,
    signer: fakeSigner,
    listing: listingOf(() => []),
    pageRanges: new FakePageRanges(),
    patients,
    fhir: { mrnSystem: MRN_SYSTEM },
    exports,
    exportQueue: new InMemoryExportQueue(),
    logger: new RecordingLogger(),
    now: () => new Date(Date.UTC(2026, 11, 3, 12, 0, 0, tick++)).toISOString(),
  };
  return {
    deps,
    record,
    async call(caller, req) {
      const principal = principalFromClaims(CALLERS[caller]);
      try {
        const res = await handleApiRequest(
          {
            method: "GET",
            query: {},
            headers: {},
            requestId: `req-${tick}`,
            sourceIp: "10.1.2.3",
            ...req,
            ...(principal ? { principal } : {}),
          },
          deps,
        );
        return { status: res.statusCode, body: res.body, headers: res.headers ?? {} };
      } catch (err) {
        const answer = httpErrorFor(err);
        if (!answer) throw err;
        return { status: answer.statusCode, body: answer.body, headers: {} };
      }
    },
  };
}
