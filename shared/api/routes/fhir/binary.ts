import * as z from "zod";
import { mediaTypeOf } from "../../../intake/sniff-file-type";
import type { Binary } from "@medplum/fhirtypes";
import type { ChartRecord } from "../../../domain/chart-record";
import { documentReferenceId } from "../../../fhir/fhir-ids";
import { NotAcceptableError, NotFoundError } from "../../api-errors";
import type { ApiDeps } from "../../api-deps";
import { defineRoute } from "../../route";
import { FhirBinary } from "../../response-schemas";
import { LINK_SECONDS } from "../pages";
import { shareableRecord } from "./document-reference";
import { fhirQuery, fhirResult } from "./fhir-call";

/**
 * The largest scan answered inline as a Binary resource: base64 makes it a third larger, and API Gateway
 * answers at most 6 MB. Larger scans are fetched through the redirect.
 */
export const MAX_INLINE_BYTES = 4_000_000;

/** Where a part of a split scan is kept as a PDF of its own pages, next to the page images. */
export const partPdfKey = (record: ChartRecord) =>
  `pages/${record.split?.fileRecordId ?? record.id}/part-${record.id}.pdf`;

interface Content {
  bucket: string;
  key: string;
  versionId?: string;
  contentType: string;
  /** Known without reading the object: the upload's size, or a part PDF just made. */
  size?: number;
  /** A part PDF just made: in hand, not read back. */
  bytes?: Uint8Array;
}

/**
 * What the Binary of a record is: the upload as it was made, or for a part of a split upload a PDF of that
 * part's pages only (made on first request and kept): the file's other pages may be another patient's.
 */
async function contentOf(deps: ApiDeps, record: ChartRecord): Promise<Content> {
  if (!record.split) {
    return {
      bucket: record.source.bucket,
      key: record.source.key,
      ...(record.source.versionId ? { versionId: record.source.versionId } : {}),
      contentType: mediaTypeOf(record.fileType),
      size: record.source.size,
    };
  }
  const key = partPdfKey(record);
  const part = { bucket: deps.resultsBucket, key, contentType: "application/pdf" };
  if (await deps.storage.exists(deps.resultsBucket, key)) return part;
  const { bucket, key: scanKey, versionId } = record.source;
  const scan = await deps.storage.getBytes(bucket, scanKey, versionId);
  const pdf = await deps.pageRanges.extractPdf(scan, record.split.pages[0], record.split.pages[1]);
  await deps.storage.putBytes(deps.resultsBucket, key, pdf, "application/pdf");
  return { ...part, size: pdf.length, bytes: pdf };
}

const TOO_LARGE_INLINE =
  "the scan is too large to answer inline: request it with Accept */* (or its content type) to be redirected to a download link";

/** FHIR's rule: a Binary read asking for FHIR JSON gets the resource; any other Accept gets the content. */
function wantsResource(accept: string | undefined, format: readonly string[] | undefined): boolean {
  if (format?.length) return true;
  return /application\/(fhir\+)?json/i.test(accept ?? "");
}

export const readBinary = defineRoute<{ id: string }>({
  method: "GET",
  path: "/fhir/Binary/{id}",
  access: ["fhir:Binary.read"],
  audited: "binary.read",
  summary:
    "FHIR read: the scan of a DocumentReference. Accept: application/fhir+json answers a Binary resource (scans up to 4 MB); any other Accept a redirect to a short-lived download link",
  request: { params: z.object({ id: z.string().min(1).max(64) }) },
  response: FhirBinary,
  responseMediaTypes: ["application/fhir+json"],
  handle: async (call) => {
    const query = fhirQuery(call, { accept: false });
    const record = await shareableRecord(call.deps, call.params.id);
    if (!record) throw new NotFoundError("resource");
    const content = await contentOf(call.deps, record);
    const audit = { action: "binary.read" as const, records: [record] };
    if (wantsResource(call.headers.accept, query._format)) {
      // A scan known to be too large is refused before it is read into the function's memory.
      if ((content.size ?? 0) > MAX_INLINE_BYTES) throw new NotAcceptableError(TOO_LARGE_INLINE);
      const bytes =
        content.bytes ?? (await call.deps.storage.getBytes(content.bucket, content.key, content.versionId));
      if (bytes.length > MAX_INLINE_BYTES) throw new NotAcceptableError(TOO_LARGE_INLINE);
      const binary: Binary = {
        resourceType: "Binary",
        id: documentReferenceId(record.id),
        contentType: content.contentType,
        data: Buffer.from(bytes).toString("base64"),
      };
      return fhirResult(binary, audit);
    }
    const url = await call.deps.storage.presignGet(content.bucket, content.key, {
      ...(content.versionId ? { versionId: content.versionId } : {}),
      expiresInSeconds: LINK_SECONDS,
      contentType: content.contentType,
      // The record id, never the uploaded file name (file names often carry the patient's name).
      downloadName: `${documentReferenceId(record.id)}.${content.contentType === "application/pdf" ? "pdf" : (record.fileType ?? "bin")}`,
    });
    return {
      ...fhirResult("", audit, { Location: url, "Content-Type": "text/plain; charset=utf-8" }),
      statusCode: 302,
    };
  },
});
