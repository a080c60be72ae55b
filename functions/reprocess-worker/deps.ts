import type { Logger } from "@aws-lambda-powertools/logger";
import { createDocumentClient, createDynamoDbClient } from "../../shared/adapters/dynamodb/dynamodb-client";
import { JobRepository } from "../../shared/adapters/dynamodb/job-repository";
import { RecordRepository } from "../../shared/adapters/dynamodb/record-repository";
import { S3ObjectStore } from "../../shared/adapters/s3/object-store";
import { createS3Client } from "../../shared/adapters/s3/s3-client";
import type { Config } from "../../shared/config";
import type { ChunkDeps } from "../../shared/pipeline/bulk-reprocess";
import { ExportRepository } from "../../shared/adapters/dynamodb/export-repository";
import { PatientDirectoryRepository } from "../../shared/adapters/dynamodb/patient-directory-repository";
import type { ExportDeps } from "../../shared/fhir/bulk-export/run-export";
import { lazySearchIndex } from "../wiring/lazy";

export type ReprocessWorkerDeps = ChunkDeps & { exportDeps: ExportDeps; logger: Logger };

/**
 * The background worker: the records table (records, reprocess and export jobs, the patient directory), the
 * stored OCR output and export files, and (exports only) the search index, imported on the first export.
 */
export function createReprocessWorkerDeps(config: Config, logger: Logger): ReprocessWorkerDeps {
  const db = createDocumentClient(createDynamoDbClient(config));
  const records = new RecordRepository(db, config.TABLE_NAME);
  const objects = new S3ObjectStore(createS3Client(config));
  const now = () => new Date().toISOString();
  return {
    records,
    jobs: new JobRepository(db, config.TABLE_NAME),
    objects,
    reviewThreshold: config.REVIEW_THRESHOLD,
    now,
    exportDeps: {
      records,
      objects,
      now,
      search: lazySearchIndex("opensearch", async () =>
        (await import("../wiring/search-index")).createSearchIndex(config),
      ),
      patients: new PatientDirectoryRepository(db, config.TABLE_NAME),
      exports: new ExportRepository(db, config.TABLE_NAME),
      resultsBucket: config.RESULTS_BUCKET,
      mrnSystem: config.FHIR_MRN_SYSTEM,
    },
    logger,
  };
}
