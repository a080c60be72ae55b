/**
 * Every route of the records API, with the permission it needs: the one place that says who may do what.
 * The router refuses anything not listed; test/unit/api/route-access.test.ts checks every route × role.
 */
import type { Route } from "./route";
import { openApiRoute } from "./routes/openapi";
import { accessReport, patientDisclosures } from "./routes/audit";
import { listChanges } from "./routes/changes";
import { readBinary } from "./routes/fhir/binary";
import { exportStatus, patientExport, systemExport } from "./routes/fhir/bulk-export";
import { readDocumentReference, searchDocumentReferences } from "./routes/fhir/document-reference";
import { fhirMetadata } from "./routes/fhir/metadata";
import { readPatient, searchPatients } from "./routes/fhir/patient";
import { health } from "./routes/health";
import { bulkReprocess, getJob } from "./routes/jobs";
import { getOriginal, getPage } from "./routes/pages";
import { patientTimeline } from "./routes/patients";
import { reprocessRecord } from "./routes/reprocess";
import { correctRecordRoute, getRecord } from "./routes/records";
import { reviewQueue } from "./routes/review";
import { searchRecords } from "./routes/search";
import { listUploads } from "./routes/uploads";
import {
  batchReport,
  batchUploadTargets,
  closeBatchRoute,
  createBatchRoute,
  getBatch,
  listBatches,
} from "./routes/batches";

export const ROUTES: readonly Route[] = [
  // The generator (zod-openapi) is loaded on the first request for the description, not at cold start.
  openApiRoute(
    () => ROUTES,
    async (routes) => (await import("./openapi")).openApiDocument(routes),
  ),
  health,
  searchRecords,
  getRecord,
  correctRecordRoute,
  getPage,
  getOriginal,
  patientTimeline,
  reprocessRecord,
  bulkReprocess,
  getJob,
  reviewQueue,
  listUploads,
  createBatchRoute,
  batchUploadTargets,
  listBatches,
  getBatch,
  closeBatchRoute,
  batchReport,
  accessReport,
  patientDisclosures,
  listChanges,
  fhirMetadata,
  // Before Patient/{id}, which would match /fhir/Patient/$export too.
  patientExport,
  systemExport,
  exportStatus,
  searchPatients,
  readPatient,
  searchDocumentReferences,
  readDocumentReference,
  readBinary,
];
