import type { Logger } from "@aws-lambda-powertools/logger";
import { createDocumentClient, createDynamoDbClient } from "../../shared/adapters/dynamodb/dynamodb-client";
import { RecordRepository } from "../../shared/adapters/dynamodb/record-repository";
import { AuditLogRepository } from "../../shared/adapters/dynamodb/audit-log-repository";
import type { ApiDeps } from "../../shared/api/records-api";
import type { Config } from "../../shared/config";
import { lazySearchIndex } from "../wiring/lazy";

/** What the api Lambda uses: the records and audit tables, the search index and its logger. */
export type ApiHandlerDeps = ApiDeps & { logger: Logger };

/**
 * The production wiring of the api Lambda: the same table and search adapters createPipelineDeps builds,
 * without the S3 and Textract clients the API never calls (so its bundle leaves them out). The OpenSearch
 * client is imported on the first search: /health and /records/{id} never evaluate it.
 */
export function createApiDeps(config: Config, logger: Logger): ApiHandlerDeps {
  const db = createDocumentClient(createDynamoDbClient(config));
  return {
    records: new RecordRepository(db, config.TABLE_NAME),
    audit: new AuditLogRepository(db, config.AUDIT_TABLE_NAME),
    now: () => new Date().toISOString(),
    reviewThreshold: config.REVIEW_THRESHOLD,
    search: lazySearchIndex("opensearch", async () =>
      (await import("../wiring/search-index")).createSearchIndex(config),
    ),
    logger,
  };
}
