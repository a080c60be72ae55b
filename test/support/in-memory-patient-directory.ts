import { randomUUID } from "node:crypto";
import { mrnKey } from "../../shared/domain/mrn";
import type { PatientDirectory } from "../../shared/fhir/patient-directory";

/** The patient directory in memory, with the DynamoDB repository's contract. */
export class InMemoryPatientDirectory implements PatientDirectory {
  private readonly byKey = new Map<string, string>();
  private readonly byId = new Map<string, string>();

  /** Gives an MRN a known id (tests that name the patient in a path). */
  seed(mrn: string, id: string): void {
    this.byKey.set(mrnKey(mrn), id);
    this.byId.set(id, mrn);
  }

  async idFor(mrn: string): Promise<string> {
    const key = mrnKey(mrn);
    const existing = this.byKey.get(key);
    if (existing) return existing;
    const id = `pat-${randomUUID()}`;
    this.byKey.set(key, id);
    this.byId.set(id, mrn);
    return id;
  }

  async mrnOf(patientId: string): Promise<string | undefined> {
    return this.byId.get(patientId);
  }
}
