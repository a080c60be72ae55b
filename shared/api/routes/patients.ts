import * as z from "zod";
import type { ChartRecord } from "../../domain/chart-record";
import { mrnKey } from "../../domain/mrn";
import { recordsOfMrn } from "../../search/records-of-mrn";
import { BadRequestError } from "../api-errors";
import { defineRoute } from "../route";
import { TimelineBody } from "../response-schemas";

/** A patient's timeline lists at most this many records; `truncated` says when there are more. */
export const MAX_TIMELINE = 500;

const mrnParams = z.object({ mrn: z.string().min(1).max(64) });

function timelineEntry(record: ChartRecord) {
  const f = record.fields;
  const dateOfService = f.dateOfService?.value ?? f.admissionDate?.value ?? f.dischargeDate?.value;
  return {
    id: record.id,
    documentType: record.documentType,
    status: record.status,
    ...(dateOfService ? { dateOfService } : {}),
    pageCount: record.pageCount,
    ...(record.split
      ? {
          split: {
            fileRecordId: record.split.fileRecordId,
            part: record.split.part,
            of: record.split.of,
            ...(record.split.partIds ? { partIds: record.split.partIds } : {}),
          },
        }
      : {}),
    createdAt: record.createdAt,
  };
}

/** By date of service, oldest first; undated records last, by when they were scanned. */
function byDateOfService(a: ReturnType<typeof timelineEntry>, b: ReturnType<typeof timelineEntry>): number {
  if (a.dateOfService && b.dateOfService && a.dateOfService !== b.dateOfService) {
    return a.dateOfService < b.dateOfService ? -1 : 1;
  }
  if (a.dateOfService && !b.dateOfService) return -1;
  if (!a.dateOfService && b.dateOfService) return 1;
  return a.createdAt.localeCompare(b.createdAt);
}

export const patientTimeline = defineRoute<{ mrn: string }>({
  method: "GET",
  path: "/patients/{mrn}/records",
  access: ["records:read"],
  audited: "timeline.read",
  summary: "Every record of the patient with this MRN, by date of service, parts of a split scan linked",
  response: TimelineBody,
  request: { params: mrnParams },
  handle: async ({ params, deps }) => {
    if (!mrnKey(params.mrn)) throw new BadRequestError("mrn: must contain a letter or digit");
    const { records, truncated } = await recordsOfMrn(deps, params.mrn, MAX_TIMELINE);
    const entries = records.map(timelineEntry).sort(byDateOfService);
    return {
      body: { mrn: params.mrn, records: entries, ...(truncated ? { truncated: true } : {}) },
      audit: { action: "timeline.read", recordIds: entries.map((e) => e.id), mrns: [params.mrn] },
    };
  },
});
