import * as z from "zod";
import { mediaTypeOf } from "../../intake/sniff-file-type";
import type { ChartRecord } from "../../domain/chart-record";
import { FIELD_NAMES } from "../../domain/fields";
import { NotFoundError } from "../api-errors";
import type { ApiDeps } from "../api-deps";
import { defineRoute } from "../route";
import { readableRecord, recordIdParams } from "./records";
import { OriginalBody, PageBody } from "../response-schemas";

/** How long a handed-out link works: long enough to load the image, short enough not to be passed around. */
export const LINK_SECONDS = 300;

const pageParams = recordIdParams.extend({
  n: z.coerce.number().int("must be a whole number").min(1, "must be 1 or more").max(3000),
});

const expiresAt = (deps: ApiDeps) => new Date(Date.parse(deps.now()) + LINK_SECONDS * 1000).toISOString();
const mrnsOf = (record: ChartRecord) => (record.fields.mrn ? [record.fields.mrn.value] : []);

/**
 * Where a page image of the uploaded file is kept: next to the OCR output, once per file page (the parts of a
 * split scan share the file's pages).
 */
export function pageImageKey(record: ChartRecord, filePage: number): string {
  return `pages/${record.split?.fileRecordId ?? record.id}/${filePage}.png`;
}

export const getPage = defineRoute<{ id: string; n: number }>({
  method: "GET",
  path: "/records/{id}/pages/{n}",
  access: ["records:read"],
  audited: "page.read",
  summary: "A short-lived link to page n's image (rendered once) and the boxes of the fields read on it",
  response: PageBody,
  request: { params: pageParams },
  handle: async ({ params, principal, deps }) => {
    const record = await readableRecord(deps, principal, params.id);
    const pageCount = record.split ? record.split.pages[1] - record.split.pages[0] + 1 : record.pageCount;
    if (!pageCount || params.n > pageCount) throw new NotFoundError("page");
    const filePage = (record.split?.pages[0] ?? 1) + params.n - 1;
    const key = pageImageKey(record, filePage);
    let size: { width: number; height: number } | undefined;
    if (!(await deps.storage.exists(deps.resultsBucket, key))) {
      const { bucket, key: scanKey, versionId } = record.source;
      const image = await deps.pageImages.render(
        await deps.storage.getBytes(bucket, scanKey, versionId),
        filePage,
      );
      await deps.storage.putBytes(deps.resultsBucket, key, image.png, "image/png");
      size = { width: image.width, height: image.height };
    }
    const url = await deps.storage.presignGet(deps.resultsBucket, key, {
      expiresInSeconds: LINK_SECONDS,
      contentType: "image/png",
    });
    const fields = FIELD_NAMES.flatMap((name) => {
      const f = record.fields[name];
      return f && f.page === params.n
        ? [
            {
              name,
              value: f.value,
              confidence: f.confidence,
              bbox: f.bbox,
              ...(f.source ? { source: f.source } : {}),
            },
          ]
        : [];
    });
    return {
      body: { page: params.n, pageCount, url, expiresAt: expiresAt(deps), ...(size ?? {}), fields },
      audit: { action: "page.read", recordIds: [record.id], mrns: mrnsOf(record) },
    };
  },
});

export const getOriginal = defineRoute<{ id: string }>({
  method: "GET",
  path: "/records/{id}/original",
  access: ["records:read"],
  audited: "original.read",
  summary: "A short-lived link to the scan exactly as uploaded (the version the record was made from)",
  response: OriginalBody,
  request: { params: recordIdParams },
  handle: async ({ params, principal, deps }) => {
    const record = await readableRecord(deps, principal, params.id);
    const contentType = mediaTypeOf(record.fileType);
    const url = await deps.storage.presignGet(record.source.bucket, record.source.key, {
      ...(record.source.versionId ? { versionId: record.source.versionId } : {}),
      expiresInSeconds: LINK_SECONDS,
      contentType,
      // The record id, not the uploaded file name: file names often carry the patient's name.
      downloadName: `${record.split?.fileRecordId ?? record.id}.${record.fileType ?? "bin"}`,
    });
    return {
      body: { url, expiresAt: expiresAt(deps), contentType, size: record.source.size },
      audit: { action: "original.read", recordIds: [record.id], mrns: mrnsOf(record) },
    };
  },
});
