import {
  ExportConflictError,
  type ExportJob,
  type ExportStore,
} from "../../shared/fhir/bulk-export/export-job";

/** Export jobs in memory, with the DynamoDB repository's contract (a save conditional on the last write). */
export class InMemoryExportStore implements ExportStore {
  readonly jobs = new Map<string, ExportJob>();

  async create(job: ExportJob): Promise<void> {
    if (this.jobs.has(job.id)) throw new Error("export job exists");
    this.jobs.set(job.id, structuredClone(job));
  }

  async get(id: string): Promise<ExportJob | undefined> {
    const job = this.jobs.get(id);
    return job ? structuredClone(job) : undefined;
  }

  async save(job: ExportJob, expectedUpdatedAt: string): Promise<void> {
    if (this.jobs.get(job.id)?.updatedAt !== expectedUpdatedAt) throw new ExportConflictError();
    this.jobs.set(job.id, structuredClone(job));
  }
}

/** The export queue in memory: what kick-off sent. */
export class InMemoryExportQueue {
  readonly sent: string[] = [];
  async send(jobId: string): Promise<void> {
    this.sent.push(jobId);
  }
}
