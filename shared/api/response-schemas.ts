/**
 * What the records API answers, route by route, as zod schemas: the OpenAPI document describes each 200 answer
 * with them (so clients such as the web app are typed from the document), and a test checks every route's real
 * answer against its schema, so the description cannot drift from what the handlers return.
 */
import * as z from "zod";
import { DOCUMENT_TYPE_NAMES } from "../domain/document-types";
import { FIELD_NAMES } from "../domain/fields";
import { REASON_CODES, STATUSES } from "../domain/status";
import { BATCH_REASON_CODES, FILE_STATES } from "../batches/batch";

const DocumentTypeName = z.enum(DOCUMENT_TYPE_NAMES as [string, ...string[]]).meta({ id: "DocumentType" });
const Status = z.enum(STATUSES).meta({ id: "DocumentStatus" });
const ReasonCode = z
  .enum(Object.keys(REASON_CODES) as [string, ...string[]])
  .meta({ id: "ReasonCode", description: "Why a record is REJECTED, DUPLICATE, FAILED or NEEDS_REVIEW" });
const FieldName = z.enum(FIELD_NAMES).meta({ id: "FieldName" });
const Timestamp = z.string().meta({ description: "ISO 8601 timestamp" });

export const BoundingBox = z
  .object({ left: z.number(), top: z.number(), width: z.number(), height: z.number() })
  .meta({ id: "BoundingBox", description: "Page-relative coordinates (0–1), as Textract gives them" });

export const ExtractedField = z
  .object({
    value: z.string(),
    confidence: z.number().min(0).max(1),
    page: z.number().int(),
    bbox: BoundingBox,
    source: z.enum(["ocr", "human"]).optional(),
  })
  .meta({ id: "ExtractedField" });

const StatusTransition = z
  .object({
    from: Status.nullable(),
    to: Status,
    at: Timestamp,
    reasonCode: ReasonCode.optional(),
    detail: z.string().optional(),
  })
  .meta({ id: "StatusTransition" });

const SplitPart = z
  .object({
    fileRecordId: z.string(),
    part: z.number().int(),
    of: z.number().int(),
    pages: z.tuple([z.number().int(), z.number().int()]),
    partIds: z.array(z.string()).optional(),
  })
  .meta({ id: "SplitPart" });

const FieldCorrection = z
  .object({
    field: FieldName,
    oldValue: z.string().nullable(),
    newValue: z.string().nullable(),
    by: z.object({ sub: z.string(), name: z.string() }),
    at: Timestamp,
    reason: z.string(),
    version: z.number().int(),
  })
  .meta({ id: "FieldCorrection" });

const Listed = z.object({ text: z.string(), page: z.number().int().optional() });

/** A record as records staff, admins and downstream systems read it. */
export const ChartRecordBody = z
  .looseObject({
    id: z.string(),
    sha256: z.string(),
    source: z.looseObject({
      bucket: z.string(),
      key: z.string(),
      versionId: z.string().optional(),
      vendor: z.string().optional(),
      batch: z.string().optional(),
      size: z.number(),
      contentType: z.string().optional(),
    }),
    fileType: z.enum(["pdf", "tiff", "png", "jpeg"]).optional(),
    pageCount: z.number().int().optional(),
    documentType: DocumentTypeName.optional(),
    fields: z.partialRecord(FieldName, ExtractedField),
    diagnoses: z.array(Listed.extend({ code: z.string().optional() })),
    medications: z.array(Listed),
    allergies: z.array(Listed),
    status: Status,
    statusReason: ReasonCode.optional(),
    split: SplitPart.optional(),
    duplicateOf: z.string().optional(),
    history: z.array(StatusTransition),
    corrections: z.array(FieldCorrection).optional(),
    version: z.number().int(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: "ChartRecord" });

/** A record as its vendor sees it: status and reasons, never what was read from it. */
export const VendorRecordBody = z
  .object({
    id: z.string(),
    status: Status,
    statusReason: ReasonCode.optional(),
    history: z.array(StatusTransition),
    source: z.object({
      key: z.string(),
      versionId: z.string().optional(),
      batch: z.string().optional(),
      size: z.number(),
    }),
    split: SplitPart.optional(),
    duplicateOf: z.string().optional(),
    version: z.number().int(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: "VendorRecord" });

export const RecordBody = z.union([ChartRecordBody, VendorRecordBody]);

const FacetBucket = z.object({ value: z.string(), count: z.number().int() });

export const SearchResultBody = z
  .object({
    total: z.number().int(),
    totalRelation: z.literal("gte").optional().meta({
      description:
        "Present when more charts match than one search counts (the local index counts the newest 5,000): total is then a lower bound, facets count those charts, and results come newest first",
    }),
    hits: z.array(
      z.object({
        id: z.string(),
        documentType: DocumentTypeName.optional(),
        status: Status,
        fields: z.object({
          patientName: z.string().optional(),
          dateOfBirth: z.string().optional(),
          mrn: z.string().optional(),
          dateOfService: z.string().optional(),
        }),
        highlights: z.array(
          z.object({
            text: z.string().meta({
              description: "An HTML-escaped fragment of the OCR text, matched terms between <em> and </em>",
            }),
            page: z.number().int().optional(),
          }),
        ),
        score: z.number().optional(),
      }),
    ),
    facets: z.object({
      documentType: z.array(FacetBucket),
      status: z.array(FacetBucket),
      facility: z.array(FacetBucket),
      yearOfService: z.array(FacetBucket),
    }),
    nextCursor: z.string().optional(),
  })
  .meta({ id: "SearchResult" });

export const ReviewQueueBody = z
  .object({
    items: z.array(
      z.object({
        id: z.string(),
        documentType: DocumentTypeName.optional(),
        reason: ReasonCode.optional(),
        since: Timestamp,
        version: z.number().int(),
        pageCount: z.number().int().optional(),
        doubtfulFields: z.array(ExtractedField.omit({ source: true }).extend({ name: FieldName })),
        missingFields: z.array(FieldName),
      }),
    ),
    nextCursor: z.string().optional(),
  })
  .meta({ id: "ReviewQueue" });

export const TimelineBody = z
  .object({
    mrn: z.string(),
    records: z.array(
      z.object({
        id: z.string(),
        documentType: DocumentTypeName.optional(),
        status: Status,
        dateOfService: z.string().optional(),
        pageCount: z.number().int().optional(),
        split: SplitPart.omit({ pages: true }).optional(),
        createdAt: Timestamp,
      }),
    ),
    truncated: z.boolean().optional(),
  })
  .meta({ id: "PatientTimeline" });

export const PageBody = z
  .object({
    page: z.number().int(),
    pageCount: z.number().int(),
    url: z.string().meta({ description: "Short-lived link to the page image (PNG)" }),
    expiresAt: Timestamp,
    width: z.number().int().optional(),
    height: z.number().int().optional(),
    fields: z.array(ExtractedField.omit({ page: true }).extend({ name: FieldName })),
  })
  .meta({ id: "PageImage" });

export const OriginalBody = z
  .object({
    url: z.string().meta({ description: "Short-lived link to the scan as uploaded" }),
    expiresAt: Timestamp,
    contentType: z.string().optional(),
    size: z.number(),
  })
  .meta({ id: "OriginalLink" });

export const ReprocessBody = z
  .object({
    fileRecordId: z.string(),
    records: z.array(
      z.object({
        id: z.string(),
        status: Status,
        version: z.number().int(),
        changedFields: z.array(z.string()),
      }),
    ),
    splitDiffers: z.array(z.tuple([z.number().int(), z.number().int()])).optional(),
  })
  .meta({ id: "ReprocessOutcome" });

export const JobBody = z
  .object({
    id: z.string(),
    kind: z.literal("reprocess"),
    status: z.enum(["RUNNING", "COMPLETED"]),
    requestedBy: z.object({ sub: z.string(), name: z.string() }),
    total: z.number().int(),
    chunks: z.number().int(),
    processed: z.number().int(),
    reprocessed: z.number().int(),
    skipped: z.number().int(),
    failed: z.number().int(),
    failures: z.array(z.object({ recordId: z.string(), code: z.string() })),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    completedAt: Timestamp.optional(),
  })
  .meta({ id: "ReprocessJob" });

export const AccessReportBody = z
  .object({
    events: z.array(
      z.object({
        eventId: z.string(),
        at: Timestamp,
        user: z.string(),
        kind: z.enum(["user", "client"]),
        roles: z.array(z.string()),
        scopes: z.array(z.string()),
        action: z.string(),
        outcome: z.enum(["success", "denied"]),
        recordIds: z.array(z.string()),
        mrns: z.array(z.string()),
        purposeOfUse: z.string(),
        disclosure: z.boolean(),
        route: z.string(),
        requestId: z.string(),
        sourceIp: z.string(),
      }),
    ),
    nextCursor: z.string().optional(),
  })
  .meta({ id: "AccessReport" });

export const DisclosuresBody = z
  .object({
    disclosures: z.array(
      z.object({
        at: Timestamp,
        recipient: z.string(),
        action: z.string(),
        recordIds: z.array(z.string()),
        purposeOfUse: z.string(),
        requestId: z.string(),
      }),
    ),
    nextCursor: z.string().optional(),
  })
  .meta({ id: "Disclosures" });

export const UploadsBody = z
  .object({ uploads: z.array(VendorRecordBody), nextCursor: z.string().optional() })
  .meta({ id: "VendorUploads" });

const FileReasonCode = z
  .enum([...Object.keys(REASON_CODES), ...Object.keys(BATCH_REASON_CODES)] as [string, ...string[]])
  .meta({
    id: "BatchFileReasonCode",
    description: "The record's reason code, or MISSING (listed in the manifest, never uploaded)",
  });

export const BatchSummary = z
  .object({
    id: z.string(),
    vendor: z.string(),
    name: z.string(),
    reference: z.string().optional(),
    status: z.enum(["OPEN", "CLOSED", "COMPLETED"]),
    expectedFiles: z.number().int(),
    unexpectedFiles: z.number().int(),
    expectedBytes: z.number().int(),
    counts: z.record(z.enum(FILE_STATES), z.number().int()),
    createdAt: Timestamp,
    closesAt: Timestamp,
    closedAt: Timestamp.optional(),
    completedAt: Timestamp.optional(),
  })
  .meta({ id: "BatchSummary" });

export const BatchFileBody = z
  .object({
    name: z.string(),
    expected: z.boolean(),
    state: z.enum(FILE_STATES),
    reasonCode: FileReasonCode.optional(),
    flags: z
      .array(z.enum(["UNEXPECTED"]))
      .meta({ description: "UNEXPECTED: not in the manifest, processed anyway" }),
    recordIds: z.array(z.string()),
    size: z.number().int().optional(),
    sha256: z.string().optional(),
    pages: z.number().int().optional(),
    reference: z.string().optional(),
    receivedAt: Timestamp.optional(),
    finishedAt: Timestamp.optional(),
  })
  .meta({ id: "BatchFile" });

export const UploadTargetBody = z
  .object({
    name: z.string(),
    method: z.literal("PUT"),
    url: z.string(),
    headers: z.record(z.string(), z.string()),
    expiresAt: Timestamp,
  })
  .meta({ id: "UploadTarget" });

export const CreatedBatchBody = z
  .object({
    batch: BatchSummary,
    uploadTargets: z.array(UploadTargetBody),
    /** POST here with more names for their targets. */
    moreTargets: z.string(),
  })
  .meta({ id: "CreatedBatch" });

export const UploadTargetsBody = z
  .object({
    targets: z.array(UploadTargetBody),
    /** Positions in the request of names that are not manifest entries (no target). */
    unknownFiles: z.array(z.number().int()),
  })
  .meta({ id: "UploadTargets" });

export const BatchBody = z
  .object({ batch: BatchSummary, files: z.array(BatchFileBody), nextCursor: z.string().optional() })
  .meta({ id: "Batch" });

export const BatchesBody = z
  .object({ batches: z.array(BatchSummary), nextCursor: z.string().optional() })
  .meta({ id: "Batches" });

export const BatchReportBody = z
  .object({
    batch: BatchSummary,
    /** Every manifest entry and every unexpected file, by name. */
    files: z.array(BatchFileBody),
    /** True when every file is in a final state and the batch is closed: the delivery can be signed off. */
    complete: z.boolean(),
  })
  .meta({ id: "BatchReport" });

export const RecordChangeBody = z
  .object({
    recordId: z.string(),
    version: z.number().int(),
    status: Status,
    reasonCode: ReasonCode.optional(),
    documentType: DocumentTypeName.optional(),
    fileRecordId: z.string().optional(),
    changedAt: Timestamp,
    loggedAt: Timestamp.meta({ description: "When the feed logged the change: its place in the feed" }),
  })
  .meta({ id: "RecordChange" });

export const ChangesBody = z
  .object({
    changes: z.array(RecordChangeBody),
    cursor: z
      .string()
      .meta({ description: "Pass as `since` to read on from here (the same when nothing is new)" }),
  })
  .meta({ id: "Changes" });

// ── FHIR (/fhir): resources are described by FHIR R4 and US Core; these schemas name them for OpenAPI and
// check the envelope. Their content is validated against the FHIR definitions in the tests.

const fhirResource = (type: string, description: string) =>
  z
    .looseObject({ resourceType: z.literal(type), id: z.string().optional() })
    .meta({ id: `Fhir${type}`, description });

export const FhirCapabilityStatement = fhirResource("CapabilityStatement", "FHIR R4 CapabilityStatement");
export const FhirPatient = fhirResource("Patient", "FHIR R4 Patient (US Core Patient)");
export const FhirDocumentReference = fhirResource(
  "DocumentReference",
  "FHIR R4 DocumentReference (US Core DocumentReference)",
);
export const FhirBinary = fhirResource("Binary", "FHIR R4 Binary: the scan, base64");
export const FhirSearchBundle = z
  .looseObject({
    resourceType: z.literal("Bundle"),
    type: z.literal("searchset"),
    total: z.number().int(),
    link: z.array(z.object({ relation: z.string(), url: z.string() })),
    entry: z.array(
      z.looseObject({ fullUrl: z.string(), resource: z.looseObject({ resourceType: z.string() }) }),
    ),
  })
  .meta({ id: "FhirSearchBundle", description: "FHIR R4 searchset Bundle, paged with _count and _offset" });
export const FhirOperationOutcome = fhirResource("OperationOutcome", "FHIR R4 OperationOutcome");
export const BulkExportManifest = z
  .object({
    transactionTime: Timestamp,
    request: z.string(),
    requiresAccessToken: z.boolean(),
    output: z.array(
      z.object({
        type: z.enum(["Patient", "DocumentReference"]),
        url: z.string().meta({ description: "A link to the NDJSON file, working for 10 minutes" }),
        count: z.number().int(),
      }),
    ),
    error: z.array(z.unknown()),
  })
  .meta({ id: "BulkExportManifest", description: "FHIR Bulk Data complete-status manifest" });
