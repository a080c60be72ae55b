import type { Logger } from "@aws-lambda-powertools/logger";
import { createDocumentClient, createDynamoDbClient } from "../../shared/adapters/dynamodb/dynamodb-client";
import { RecordRepository } from "../../shared/adapters/dynamodb/record-repository";
import { S3ObjectStore } from "../../shared/adapters/s3/object-store";
import { createS3Client } from "../../shared/adapters/s3/s3-client";
import { AuditLogRepository } from "../../shared/adapters/dynamodb/audit-log-repository";
import { JobRepository } from "../../shared/adapters/dynamodb/job-repository";
import { BatchRepository } from "../../shared/adapters/dynamodb/batch-repository";
import { ChangeFeedRepository } from "../../shared/adapters/dynamodb/change-feed-repository";
import { PatientDirectoryRepository } from "../../shared/adapters/dynamodb/patient-directory-repository";
import { ExportRepository } from "../../shared/adapters/dynamodb/export-repository";
import type { ExportQueue } from "../../shared/fhir/bulk-export/export-job";
import { S3UploadsBucket } from "../../shared/adapters/s3/uploads-bucket";
import type { JobQueue } from "../../shared/jobs/reprocess-job";
import type { ApiDeps } from "../../shared/api/records-api";
import type { Config } from "../../shared/config";
import { lazySearchIndex } from "../wiring/lazy";

/** What the api Lambda uses: the records and audit tables, the search index and its logger. */
export type ApiHandlerDeps = ApiDeps & { logger: Logger };

/**
 * The production wiring of the api Lambda: the same table, S3 and search adapters createPipelineDeps builds,
 * without the Textract client the API never calls (so its bundle leaves it out). The OpenSearch client is
 * imported on the first search and mupdf on the first page image: /health and /records/{id} never evaluate
 * them.
 */
/** One S3 adapter for the links it hands out and the OCR output reprocessing reads. */
function s3Stores(s3: ReturnType<typeof createS3Client>) {
  const store = new S3ObjectStore(s3);
  return { storage: store, objects: store };
}

/**
 * The background jobs' queue (bulk reprocess chunks, export jobs) through one SQS client, imported on the
 * first job, not at cold start.
 */
function backgroundQueues(config: Config): { jobs: JobQueue; exports: ExportQueue } {
  let queues: Promise<{ jobs: JobQueue; exports: ExportQueue }> | undefined;
  const load = () =>
    (queues ??= (async () => {
      if (!config.REPROCESS_QUEUE_URL) throw new Error("REPROCESS_QUEUE_URL is not configured");
      const [{ SQSClient }, { SqsJobQueue }, { SqsExportQueue }] = await Promise.all([
        import("@aws-sdk/client-sqs"),
        import("../../shared/adapters/sqs/sqs-job-queue"),
        import("../../shared/adapters/sqs/sqs-export-queue"),
      ]);
      const sqs = new SQSClient({ region: config.AWS_REGION });
      return {
        jobs: new SqsJobQueue(sqs, config.REPROCESS_QUEUE_URL),
        exports: new SqsExportQueue(sqs, config.REPROCESS_QUEUE_URL),
      };
    })().catch((err: unknown) => {
      queues = undefined; // the next job tries again
      throw err;
    }));
  return {
    jobs: { send: async (chunks) => (await load()).jobs.send(chunks) },
    exports: { send: async (jobId) => (await load()).exports.send(jobId) },
  };
}

/** The FHIR API's settings from the configuration. */
export function fhirSettings(config: Config): ApiDeps["fhir"] {
  return {
    mrnSystem: config.FHIR_MRN_SYSTEM,
    ...(config.FHIR_BASE_URL ? { baseUrl: config.FHIR_BASE_URL } : {}),
  };
}

export function createApiDeps(config: Config, logger: Logger): ApiHandlerDeps {
  const db = createDocumentClient(createDynamoDbClient(config));
  const s3 = createS3Client(config);
  const queues = backgroundQueues(config);
  const uploads = new S3UploadsBucket(s3, {
    bucket: config.UPLOAD_BUCKET,
    ...(config.UPLOAD_KMS_KEY_ID ? { kmsKeyId: config.UPLOAD_KMS_KEY_ID } : {}),
  });
  return {
    batches: new BatchRepository(db, config.TABLE_NAME),
    signer: uploads,
    listing: uploads,
    records: new RecordRepository(db, config.TABLE_NAME),
    audit: new AuditLogRepository(db, config.AUDIT_TABLE_NAME),
    jobs: new JobRepository(db, config.TABLE_NAME),
    changes: new ChangeFeedRepository(db, config.TABLE_NAME),
    patients: new PatientDirectoryRepository(db, config.TABLE_NAME),
    exports: new ExportRepository(db, config.TABLE_NAME),
    exportQueue: queues.exports,
    fhir: fhirSettings(config),
    jobQueue: queues.jobs,
    now: () => new Date().toISOString(),
    reviewThreshold: config.REVIEW_THRESHOLD,
    ...s3Stores(s3),
    resultsBucket: config.RESULTS_BUCKET,
    // mupdf (WebAssembly) is loaded on the first page image, not at cold start.
    pageImages: {
      render: async (scan, page) =>
        (await import("../../shared/adapters/local-ocr/page-image")).mupdfPageImages.render(scan, page),
    },
    pageRanges: {
      extractPdf: async (scan, first, last) =>
        (await import("../../shared/adapters/local-ocr/page-range-pdf")).mupdfPageRanges.extractPdf(
          scan,
          first,
          last,
        ),
    },
    search: lazySearchIndex("opensearch", async () =>
      (await import("../wiring/search-index")).createSearchIndex(config),
    ),
    logger,
  };
}
