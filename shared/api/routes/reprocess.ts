import { fileRecords, reprocessFile } from "../../pipeline/reprocess-record";
import { defineRoute } from "../route";
import { readableRecord, recordIdParams } from "./records";
import { ReprocessBody } from "../response-schemas";

export const reprocessRecord = defineRoute<{ id: string }>({
  method: "POST",
  path: "/records/{id}/reprocess",
  access: ["records:reprocess"],
  audited: "record.reprocess",
  summary:
    "Re-run extraction (and check the split) on the file's stored OCR output with today's rules, keeping corrections",
  response: ReprocessBody,
  request: { params: recordIdParams },
  handle: async ({ params, principal, deps, audit }) => {
    const record = await readableRecord(deps, principal, params.id);
    const records = await fileRecords(record, deps);
    await audit({
      action: "record.reprocess",
      recordIds: records.map((r) => r.id),
      mrns: [...new Set(records.flatMap((r) => (r.fields.mrn ? [r.fields.mrn.value] : [])))],
    });
    return { body: await reprocessFile(records, deps) };
  },
});
