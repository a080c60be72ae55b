/** What the FHIR routes share: their base URL, media type, `_format` and the audit facts of what they return. */
import type { ChartRecord } from "../../../domain/chart-record";
import type { FhirQuery } from "../../../fhir/search-params";
import { NotAcceptableError } from "../../api-errors";
import type { RouteCall, RouteResult } from "../../route";

export const FHIR_JSON = "application/fhir+json; charset=utf-8";

/** FHIR routes live under this path; errors on them are answered as OperationOutcome. */
export const FHIR_PATH = "/fhir";

export const isFhirPath = (path: string): boolean => path === FHIR_PATH || path.startsWith(`${FHIR_PATH}/`);

/** JSON `_format` values FHIR defines; XML and anything else is refused (406). */
const JSON_FORMATS = new Set(["json", "application/json", "application/fhir+json"]);

type AnyCall = RouteCall<unknown, unknown, unknown>;

/**
 * The FHIR base URL links are made from: the configured one (a custom domain), else the request's own host
 * and stage. A Host header that is not a plain host name is not used (it is client input).
 */
export function fhirBaseUrl(call: AnyCall): string {
  if (call.deps.fhir.baseUrl) return call.deps.fhir.baseUrl.replace(/\/+$/, "");
  const rawHost = call.headers.host ?? "";
  const host = /^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(rawHost) ? rawHost : "localhost";
  const loopback = /^(localhost|127\.0\.0\.1)(:\d+)?$/.test(host);
  const forwarded = call.headers["x-forwarded-proto"];
  const proto = forwarded === "http" || forwarded === "https" ? forwarded : loopback ? "http" : "https";
  return `${proto}://${host}${call.basePath}${FHIR_PATH}`;
}

/**
 * The query as FHIR reads it, `_format` and `Accept` checked: every FHIR route answers JSON only, so a client
 * that accepts only XML is told so (406) rather than sent what it cannot read. A Binary read's Accept names
 * the scan's own type instead (`accept: false`).
 */
export function fhirQuery(call: AnyCall, opts: { accept?: boolean } = {}): FhirQuery {
  const format = call.queryValues._format;
  if (format && !format.every((f) => JSON_FORMATS.has(f.trim().toLowerCase()))) {
    throw new NotAcceptableError("_format: this server answers JSON only (json or application/fhir+json)");
  }
  const accept = call.headers.accept;
  if (opts.accept !== false && accept && !/json|\*\/\*|application\/\*/i.test(accept)) {
    throw new NotAcceptableError("Accept: this server answers JSON only (application/fhir+json)");
  }
  return call.queryValues;
}

/** A FHIR resource answer, with the audit facts of the records and patients it carries. */
export function fhirResult(
  body: unknown,
  audit?: { action: NonNullable<RouteResult["audit"]>["action"]; records: readonly ChartRecord[] },
  extraHeaders: Record<string, string> = {},
): RouteResult {
  return {
    body,
    headers: { "Content-Type": FHIR_JSON, ...extraHeaders },
    ...(audit
      ? {
          audit: {
            action: audit.action,
            recordIds: audit.records.map((r) => r.id),
            mrns: [...new Set(audit.records.flatMap((r) => (r.fields.mrn ? [r.fields.mrn.value] : [])))],
          },
        }
      : {}),
  };
}
