import pMap from "p-map";
import { ChartbridgeError } from "../../errors/chartbridge-error";
import { mrnKey } from "../../domain/mrn";
import type { ObjectStore, RecordStore } from "../../pipeline/ports";
import { MAX_LIMIT } from "../../search/parse-search-params";
import type { SearchIndex } from "../../search/search-index";
import { toDocumentReference } from "../document-reference";
import { patientSource, toPatient, type PatientSource } from "../patient";
import type { PatientDirectory } from "../patient-directory";
import { isShareable } from "../patient-records";
import {
  DISCLOSURE_PAGE_SIZE,
  disclosurePageKey,
  exportPrefix,
  type ExportDisclosure,
  type ExportJob,
  type ExportOutput,
  type ExportStore,
} from "./export-job";

export interface ExportDeps {
  search: Pick<SearchIndex, "search">;
  records: Pick<RecordStore, "get">;
  patients: PatientDirectory;
  objects: Pick<ObjectStore, "putStream" | "putJson">;
  exports: ExportStore;
  resultsBucket: string;
  mrnSystem: string;
  now(): string;
}

/** Records read from the table at once. */
const READ_CONCURRENCY = 16;

/**
 * Runs an export job: reads every filed chart (through the index, then the table, as the FHIR reads do),
 * keeps those changed since `since`, and writes `DocumentReference.ndjson` (one chart per line) and
 * `Patient.ndjson` (one line per patient of those charts), streamed, then the per-patient disclosures, then
 * marks the job COMPLETED. Running it again (a redelivered message) writes the same files again; a job
 * already finished is left alone.
 */
export async function runExport(jobId: string, deps: ExportDeps): Promise<ExportJob | undefined> {
  const job = await deps.exports.get(jobId);
  if (!job || job.status !== "RUNNING") return job;
  const since = job.since ? Date.parse(job.since) : undefined;
  const byPatient = new Map<string, { mrn: string; recordIds: string[]; identities: PatientSource[] }>();
  /** Charts already exported: the index may move under the cursor and list one twice. */
  const seen = new Set<string>();
  const patientIds = new Map<string, string>();
  const prefix = exportPrefix(job.id);
  const outputs: ExportOutput[] = [];

  const documentLines = async function* (): AsyncGenerator<string> {
    let cursor: string | undefined;
    do {
      // Every indexed chart, whatever the index says of its status: the table decides (see shareableRecordsOf).
      const page = await deps.search.search({
        limit: MAX_LIMIT,
        ...(cursor ? { cursor } : {}),
      });
      cursor = page.nextCursor;
      const records = await pMap(page.hits, (h) => deps.records.get(h.id), { concurrency: READ_CONCURRENCY });
      for (const record of records) {
        if (!record || !isShareable(record) || seen.has(record.id)) continue;
        if (since !== undefined && Date.parse(record.updatedAt) < since) continue;
        const key = mrnKey(record.fields.mrn!.value);
        let patient = byPatient.get(key);
        if (!patient) {
          patient = { mrn: record.fields.mrn!.value, recordIds: [], identities: [] };
          byPatient.set(key, patient);
          patientIds.set(key, await deps.patients.idFor(patient.mrn));
        }
        seen.add(record.id);
        patient.recordIds.push(record.id);
        patient.identities.push(patientSource(record));
        if (job.types.includes("DocumentReference")) {
          const resource = toDocumentReference(record, {
            patientId: patientIds.get(key)!,
            baseUrl: job.baseUrl,
          });
          yield `${JSON.stringify(resource)}\n`;
        }
      }
    } while (cursor);
  };

  let documents = 0;
  const counted = async function* (lines: AsyncIterable<string>): AsyncGenerator<string> {
    for await (const line of lines) {
      documents++;
      yield line;
    }
  };
  if (job.types.includes("DocumentReference")) {
    const key = `${prefix}DocumentReference.ndjson`;
    await deps.objects.putStream(
      deps.resultsBucket,
      key,
      counted(documentLines()),
      "application/fhir+ndjson",
    );
    outputs.push({ type: "DocumentReference", key, count: documents });
  } else {
    // Patients only: the charts are read for their identities, no DocumentReference file is written.
    for await (const line of documentLines()) void line;
  }

  if (job.types.includes("Patient") && byPatient.size > 0) {
    const key = `${prefix}Patient.ndjson`;
    const lines = async function* (): AsyncGenerator<string> {
      for (const [k, p] of byPatient) {
        const patient = toPatient(patientIds.get(k)!, p.identities, {
          mrnSystem: deps.mrnSystem,
          mrn: p.mrn,
        });
        yield `${JSON.stringify(patient)}\n`;
      }
    };
    await deps.objects.putStream(deps.resultsBucket, key, lines(), "application/fhir+ndjson");
    outputs.push({ type: "Patient", key, count: byPatient.size });
  }

  const disclosures: ExportDisclosure[] = [...byPatient.values()].map((p) => ({
    mrn: p.mrn,
    recordIds: job.types.includes("DocumentReference") ? p.recordIds : [],
  }));
  for (let page = 0; page * DISCLOSURE_PAGE_SIZE < disclosures.length; page++) {
    const entries = disclosures.slice(page * DISCLOSURE_PAGE_SIZE, (page + 1) * DISCLOSURE_PAGE_SIZE);
    await deps.objects.putJson(deps.resultsBucket, disclosurePageKey(job.id, page), entries);
  }

  const now = deps.now();
  const done: ExportJob = {
    ...job,
    status: "COMPLETED",
    outputs,
    patients: byPatient.size,
    disclosuresRecorded: 0,
    completedAt: now,
    updatedAt: now,
  };
  await deps.exports.save(done, job.updatedAt);
  return done;
}

/** Deliveries of an export's message before its job is failed (the queue dead-letters on the fifth). */
export const EXPORT_MAX_RECEIVES = 4;

/**
 * One delivery of an export's message (`receiveCount`: SQS's ApproximateReceiveCount). A failure is thrown, so
 * the message is delivered again, until the last delivery the policy allows: then the job is marked FAILED
 * (an error code, never a message) and returned, so its status URL says so instead of "in progress" for ever,
 * and the message, which held only the job id, is dropped.
 */
export async function runExportDelivery(
  jobId: string,
  receiveCount: number,
  deps: ExportDeps,
): Promise<ExportJob | undefined> {
  try {
    return await runExport(jobId, deps);
  } catch (err) {
    if (receiveCount < EXPORT_MAX_RECEIVES) throw err;
    return failExport(jobId, err instanceof ChartbridgeError ? err.code : "INTERNAL", deps);
  }
}

async function failExport(
  jobId: string,
  code: string,
  deps: Pick<ExportDeps, "exports" | "now">,
): Promise<ExportJob | undefined> {
  const job = await deps.exports.get(jobId);
  if (!job || job.status !== "RUNNING") return job;
  const failed: ExportJob = { ...job, status: "FAILED", errorCode: code, updatedAt: deps.now() };
  await deps.exports.save(failed, job.updatedAt);
  return failed;
}
