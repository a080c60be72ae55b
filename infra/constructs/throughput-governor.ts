import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { throughputPk } from "../../shared/adapters/dynamodb/table-design";
import type { TextractThroughputSettings } from "../config";

/**
 * The throughput governor (shared/throughput) in AWS: its state lives in the records table (partition
 * THROUGHPUT#textract), and it parks and wakes messages of the ingest queue. Ingest, ocr-complete and the
 * sweeper each run it; these helpers give them its settings and the access it needs.
 */

export { INGEST_MAX_RECEIVE_COUNT } from "../pipeline-sizing";

/** The environment that turns the governor on, with this stack's share of the quotas. */
export function governorEnvironment(
  settings: TextractThroughputSettings,
  ingestQueue: sqs.IQueue,
): Record<string, string> {
  return {
    TEXTRACT_GOVERNOR: "on",
    INGEST_QUEUE_URL: ingestQueue.queueUrl,
    TEXTRACT_START_TPS: String(settings.startTps),
    TEXTRACT_GET_TPS: String(settings.getTps),
    TEXTRACT_MAX_JOBS: String(settings.maxJobs),
  };
}

/** Lets a function wake (or park) ingest messages by receipt handle. No message body: no key use. */
export function grantMessageVisibility(grantee: iam.IGrantable, ingestQueue: sqs.IQueue): void {
  iam.Grant.addToPrincipal({
    grantee,
    actions: ["sqs:ChangeMessageVisibility"],
    resourceArns: [ingestQueue.queueArn],
  });
}

/**
 * Read and conditionally write the governor's items, and only those (dynamodb:LeadingKeys): for a function
 * that may not write the table at large (the sweeper).
 */
export function grantGovernorItems(grantee: iam.IGrantable, table: dynamodb.ITable): void {
  iam.Grant.addToPrincipal({
    grantee,
    actions: ["dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
    resourceArns: [table.tableArn],
    conditions: { "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": [throughputPk("textract")] } },
  });
}
