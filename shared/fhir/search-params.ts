/**
 * FHIR search parameter values (token, reference, date) and paging, parsed strictly: a parameter the server
 * does not support is refused, not ignored, since ignoring a filter would disclose more than the client
 * asked for. Messages name the parameter and the rule, never the value sent.
 */
import { BadRequestError } from "../api/api-errors";

/** Query parameters as FHIR sends them: a name may repeat (`date=ge…&date=le…`), values may list (`a,b`). */
export type FhirQuery = Readonly<Record<string, readonly string[]>>;

/** Parameters every search takes besides its own. */
const COMMON = ["_count", "_offset", "_format"];

export const DEFAULT_COUNT = 20;
export const MAX_COUNT = 100;
/** Deeper than this a client should narrow its search (or use $export). */
const MAX_OFFSET = 10_000;

/** Refuses any parameter not in `supported` (or a common one), naming none of what was sent. */
export function onlySupported(query: FhirQuery, supported: readonly string[]): void {
  for (const name of Object.keys(query)) {
    if (!supported.includes(name) && !COMMON.includes(name)) {
      throw new BadRequestError(
        `a search parameter or modifier is not supported here; supported: ${[...supported, "_count", "_offset"].join(", ")}`,
      );
    }
  }
}

/** The single value of a parameter that may appear once; each comma-separated alternative. */
export function alternatives(query: FhirQuery, name: string): string[] | undefined {
  const values = query[name];
  if (!values || values.length === 0) return undefined;
  if (values.length > 1)
    throw new BadRequestError(`${name}: give this parameter once (list alternatives with commas)`);
  const list = values[0]!.split(",").map((v) => v.trim());
  if (list.some((v) => v === "")) throw new BadRequestError(`${name}: empty value`);
  if (list.length > 20) throw new BadRequestError(`${name}: at most 20 alternatives`);
  return list;
}

export interface Token {
  /** undefined: any system; "": no system (`|code`). */
  system?: string;
  /** undefined: any code of the system (`system|`). */
  code?: string;
}

export function parseToken(value: string): Token {
  const bar = value.indexOf("|");
  if (bar < 0) return { code: value };
  const system = value.slice(0, bar);
  const code = value.slice(bar + 1);
  return { system, ...(code ? { code } : {}) };
}

export function tokenMatches(
  token: Token,
  coding: { system?: string; code?: string; value?: string },
): boolean {
  const code = coding.code ?? coding.value;
  if (token.system !== undefined && (coding.system ?? "") !== token.system) return false;
  return token.code === undefined || token.code === code;
}

/** `Patient/<id>`, `<id>` or an absolute URL ending so: the id, or undefined when it names another type. */
export function referenceId(value: string, type: string): string | undefined {
  const m = /^(?:.*\/)?([A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/.exec(value);
  if (m) return m[1] === type ? m[2] : undefined;
  return /^[A-Za-z0-9\-.]{1,64}$/.test(value) ? value : undefined;
}

// ── Dates ─────────────────────────────────────────────────────────────────────────────────────────────

const PREFIXES = ["eq", "ne", "gt", "lt", "ge", "le"] as const;
type Prefix = (typeof PREFIXES)[number];

/** A date search value: the range its precision implies (`2024` is the whole year), end exclusive, in ms. */
export interface DateCriterion {
  prefix: Prefix;
  start: number;
  end: number;
}

const DATE_VALUE =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

export function parseDate(name: string, raw: string): DateCriterion {
  const prefix = (PREFIXES as readonly string[]).includes(raw.slice(0, 2))
    ? (raw.slice(0, 2) as Prefix)
    : "eq";
  const value = prefix === "eq" && !raw.startsWith("eq") ? raw : raw.slice(2);
  const m = DATE_VALUE.exec(value);
  if (!m) {
    throw new BadRequestError(
      `${name}: must be a date (YYYY, YYYY-MM, YYYY-MM-DD or a dateTime), optionally prefixed eq, ne, gt, lt, ge or le`,
    );
  }
  const [, y, mo, d, h, mi, s, tz] = m;
  const year = Number(y);
  const month = mo ? Number(mo) - 1 : 0;
  const day = d ? Number(d) : 1;
  if (month > 11 || day < 1 || day > 31) throw new BadRequestError(`${name}: not a calendar date`);
  let start: number;
  let end: number;
  if (h !== undefined) {
    const iso = `${y}-${mo}-${d}T${h}:${mi}:${s ?? "00"}${tz ?? "Z"}`;
    start = Date.parse(iso);
    end = start + (s !== undefined ? 1000 : 60_000);
  } else {
    start = Date.UTC(year, month, day);
    end = d ? Date.UTC(year, month, day + 1) : mo ? Date.UTC(year, month + 1, 1) : Date.UTC(year + 1, 0, 1);
  }
  if (Number.isNaN(start)) throw new BadRequestError(`${name}: not a calendar date`);
  return { prefix, start, end };
}

/** Whether a target range [start, end) satisfies the criterion, as FHIR compares ranges. */
export function dateMatches(c: DateCriterion, target: { start: number; end: number }): boolean {
  switch (c.prefix) {
    case "eq":
      return target.start >= c.start && target.end <= c.end;
    case "ne":
      return !(target.start >= c.start && target.end <= c.end);
    case "gt":
      return target.end > c.end;
    case "lt":
      return target.start < c.start;
    case "ge":
      return target.end > c.start;
    case "le":
      return target.start < c.end;
  }
}

/** Every value of a repeatable date parameter (each occurrence must hold: `ge…&le…` is a range). */
export function dateCriteria(query: FhirQuery, name: string): DateCriterion[] {
  return (query[name] ?? []).map((v) => {
    if (v.includes(",")) throw new BadRequestError(`${name}: give one date per parameter`);
    return parseDate(name, v.trim());
  });
}

/** A date or dateTime as the range it covers (a day covers the whole day). */
export function rangeOf(value: string): { start: number; end: number } | undefined {
  const c = DATE_VALUE.test(value) ? parseDate("value", value) : undefined;
  return c ? { start: c.start, end: c.end } : undefined;
}

// ── Paging ───────────────────────────────────────────────────────────────────────────────────────────

export function paging(query: FhirQuery): { count: number; offset: number } {
  const count = wholeNumber(query, "_count", DEFAULT_COUNT, 0, MAX_COUNT);
  const offset = wholeNumber(query, "_offset", 0, 0, MAX_OFFSET);
  return { count, offset };
}

function wholeNumber(query: FhirQuery, name: string, fallback: number, min: number, max: number): number {
  const values = alternatives(query, name);
  if (!values) return fallback;
  const n = Number(values[0]);
  if (values.length > 1 || !Number.isInteger(n) || n < min || n > max) {
    throw new BadRequestError(`${name}: must be a whole number from ${min} to ${max}`);
  }
  return n;
}
