import * as z from "zod";
import { collectMatches, startReprocessJob } from "../../pipeline/bulk-reprocess";
import { parseSearchParams } from "../../search/parse-search-params";
import { BadRequestError, NotFoundError } from "../api-errors";
import { defineRoute } from "../route";
import { JobBody } from "../response-schemas";

const CRITERIA = ["q", "mrn", "dob", "type", "status", "from", "to", "facility"] as const;

const bulkReprocessBody = z
  .object({
    /** The search whose records to reprocess, as GET /search takes it (no limit, cursor or sort). */
    search: z.partialRecord(z.enum(CRITERIA), z.string().max(500)),
  })
  .strict();
type BulkReprocessBody = z.infer<typeof bulkReprocessBody>;

export const bulkReprocess = defineRoute<Record<string, never>, Record<string, never>, BulkReprocessBody>({
  method: "POST",
  path: "/reprocess",
  access: ["records:reprocess"],
  audited: "record.reprocess",
  summary:
    "Reprocess every record a search matches (at most 2,000) from stored OCR output, as a job: 202 with the job; follow it at /jobs/{id}",
  response: JobBody,
  request: { body: bulkReprocessBody },
  handle: async ({ body, principal, deps, audit }) => {
    const parsed = parseSearchParams(body.search);
    if (!parsed.ok) throw new BadRequestError(parsed.reason);
    const { limit: _limit, ...filters } = parsed.query;
    if (Object.keys(filters).length === 0)
      throw new BadRequestError(
        "search must have at least one criterion (a bulk reprocess of every record is refused)",
      );
    const { recordIds, mrns } = await collectMatches(filters, deps.search);
    // The records are named in the audit trail before any of them changes.
    await audit({ action: "record.reprocess", recordIds, mrns });
    const job = await startReprocessJob(recordIds, { sub: principal.sub, name: principal.name }, deps);
    return { statusCode: 202, body: job, headers: { Location: `/jobs/${job.id}` } };
  },
});

const jobParams = z.object({ id: z.string().regex(/^job_[0-9a-f-]{36}$/, "must be a job id") }).strict();

export const getJob = defineRoute<{ id: string }>({
  method: "GET",
  path: "/jobs/{id}",
  access: ["records:reprocess"],
  // A job holds record ids, counts and error codes: no PHI.
  audited: false,
  summary: "A bulk reprocess job's progress: counts, and the records that failed with their error codes",
  response: JobBody,
  request: { params: jobParams },
  handle: async ({ params, deps }) => {
    const job = await deps.jobs.get(params.id);
    if (!job) throw new NotFoundError("job");
    return { body: job };
  },
});
