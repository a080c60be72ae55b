import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { ExportConflictError, type ExportJob, type ExportStore } from "../../fhir/bulk-export/export-job";
import { EXPORT_SK, exportPk } from "./table-design";

/** FHIR bulk export jobs in the records table (`EXPORT#<id>`), replaced whole on the condition of their last write. */
export class ExportRepository implements ExportStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(job: ExportJob): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: exportPk(job.id), sk: EXPORT_SK, entity: "ExportJob", ...job },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
  }

  async get(id: string): Promise<ExportJob | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: exportPk(id), sk: EXPORT_SK },
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return undefined;
    const { pk: _pk, sk: _sk, entity: _entity, ...job } = out.Item;
    return job as ExportJob;
  }

  async save(job: ExportJob, expectedUpdatedAt: string): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: exportPk(job.id), sk: EXPORT_SK, entity: "ExportJob", ...job },
          ConditionExpression: "updatedAt = :expected",
          ExpressionAttributeValues: { ":expected": expectedUpdatedAt },
        }),
      );
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) throw new ExportConflictError();
      throw err;
    }
  }
}
