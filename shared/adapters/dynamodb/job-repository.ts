import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import {
  JobNotFoundError,
  type ChunkOutcome,
  type JobStore,
  type ReprocessJob,
} from "../../jobs/reprocess-job";
import { JOB_SK, jobPk } from "./table-design";

/**
 * Reprocess jobs as items of the records table (pk JOB#<id>, sk JOB; the indexer and the record scans skip
 * them). Progress is added with one conditional UpdateItem per chunk: counters by ADD, the chunk's number into
 * the `doneChunks` set, on condition that it is not there yet, so a redelivered chunk counts once.
 */
export class JobRepository implements JobStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(job: ReprocessJob): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: jobPk(job.id), sk: JOB_SK, entity: "ReprocessJob", ...job },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
  }

  async get(id: string): Promise<ReprocessJob | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: jobPk(id), sk: JOB_SK }, ConsistentRead: true }),
    );
    return out.Item ? fromItem(out.Item) : undefined;
  }

  async recordChunk(jobId: string, chunk: number, outcome: ChunkOutcome, now: string): Promise<ReprocessJob> {
    const processed = outcome.reprocessed + outcome.skipped + outcome.failed;
    let job: ReprocessJob;
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: jobPk(jobId), sk: JOB_SK },
          // Names aliased: several (processed, failed, …) are DynamoDB reserved words.
          UpdateExpression:
            "ADD #processed :n, #reprocessed :r, #skipped :s, #failed :f, #done :chunk " +
            "SET #failures = list_append(#failures, :failures), #updatedAt = :now",
          ConditionExpression: "attribute_exists(pk) AND NOT contains(#done, :c)",
          ExpressionAttributeNames: {
            "#processed": "processed",
            "#reprocessed": "reprocessed",
            "#skipped": "skipped",
            "#failed": "failed",
            "#done": "doneChunks",
            "#failures": "failures",
            "#updatedAt": "updatedAt",
          },
          ExpressionAttributeValues: {
            ":n": processed,
            ":r": outcome.reprocessed,
            ":s": outcome.skipped,
            ":f": outcome.failed,
            ":chunk": new Set([chunk]),
            ":c": chunk,
            ":failures": outcome.failures,
            ":now": now,
          },
          ReturnValues: "ALL_NEW",
        }),
      );
      job = fromItem(out.Attributes!);
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      // Already recorded (a redelivery), or no such job.
      const current = await this.get(jobId);
      if (!current) throw new JobNotFoundError();
      job = current;
    }
    return job.status === "RUNNING" && job.processed >= job.total ? this.complete(job, now) : job;
  }

  /** RUNNING → COMPLETED, once (the chunk that finished last and any redelivery may both try). */
  private async complete(job: ReprocessJob, now: string): Promise<ReprocessJob> {
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: jobPk(job.id), sk: JOB_SK },
          UpdateExpression: "SET #status = :done, #completedAt = :now, #updatedAt = :now",
          ConditionExpression: "#status = :running",
          ExpressionAttributeNames: {
            "#status": "status",
            "#completedAt": "completedAt",
            "#updatedAt": "updatedAt",
          },
          ExpressionAttributeValues: { ":done": "COMPLETED", ":running": "RUNNING", ":now": now },
          ReturnValues: "ALL_NEW",
        }),
      );
      return fromItem(out.Attributes!);
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      return (await this.get(job.id)) ?? job;
    }
  }
}

function fromItem(item: Record<string, unknown>): ReprocessJob {
  const { pk: _pk, sk: _sk, entity: _entity, doneChunks: _done, ...job } = item;
  return job as unknown as ReprocessJob;
}
