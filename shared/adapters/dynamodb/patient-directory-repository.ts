import { randomUUID } from "node:crypto";
import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { mrnKey } from "../../domain/mrn";
import type { PatientDirectory } from "../../fhir/patient-directory";
import { mrnPatientPk, PATIENT_SK, patientPk } from "./table-design";

/**
 * The patient directory in the records table: `MRN#<key>` names the patient id, `PATIENT#<id>` the MRN. Both
 * are written in one transaction on the condition that the MRN has no id yet; the loser of a race reads the
 * winner's id. The stream's consumers skip these items (not chart records).
 */
export class PatientDirectoryRepository implements PatientDirectory {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async idFor(mrn: string): Promise<string> {
    const key = mrnKey(mrn);
    const existing = await this.idOfKey(key);
    if (existing) return existing;
    const id = `pat-${randomUUID()}`;
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { pk: mrnPatientPk(key), sk: PATIENT_SK, entity: "PatientId", patientId: id },
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: { pk: patientPk(id), sk: PATIENT_SK, entity: "PatientMrn", mrn },
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
          ],
        }),
      );
      return id;
    } catch (err) {
      if (
        err instanceof TransactionCanceledException &&
        err.CancellationReasons?.[0]?.Code === "ConditionalCheckFailed"
      ) {
        const winner = await this.idOfKey(key);
        if (winner) return winner;
      }
      throw err;
    }
  }

  async mrnOf(patientId: string): Promise<string | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: patientPk(patientId), sk: PATIENT_SK },
        ConsistentRead: true,
      }),
    );
    return out.Item?.mrn as string | undefined;
  }

  private async idOfKey(key: string): Promise<string | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: mrnPatientPk(key), sk: PATIENT_SK },
        ConsistentRead: true,
      }),
    );
    return out.Item?.patientId as string | undefined;
  }
}
