import { randomUUID } from "node:crypto";
import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { mrnKey } from "../../domain/mrn";
import type { PatientDirectory } from "../../fhir/patient-directory";
import { mrnPatientPk, PATIENT_SK, patientPk } from "./table-design";
import { firstConditionFailed, putNew } from "./transact-items";

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
            putNew(this.tableName, {
              pk: mrnPatientPk(key),
              sk: PATIENT_SK,
              entity: "PatientId",
              patientId: id,
            }),
            putNew(this.tableName, { pk: patientPk(id), sk: PATIENT_SK, entity: "PatientMrn", mrn }),
          ],
        }),
      );
      return id;
    } catch (err) {
      if (firstConditionFailed(err)) {
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
