/**
 * The chart-records index definition. Documents are SearchDocuments (shared/search/search-index.ts) plus
 * `mrnKey` and `pages` (see toIndexedDocument); `dynamic: "strict"` rejects any field not listed here.
 * Adding a field or sub-field is applied to the live index by `ensureIndex` (documents indexed before get it
 * when they are next written, or by a reindex from the records table); any other change needs a new index
 * version (create the next `chart-records-vN`, reindex, move the alias).
 */

/** The alias every read and write goes through. */
export const CHART_RECORDS_ALIAS = "chart-records";
/** The concrete index the alias points at when `ensureIndex` creates it. */
export const CHART_RECORDS_INDEX = "chart-records-v2";

const textWithKeyword = {
  type: "text",
  analyzer: "chart_text",
  fields: { keyword: { type: "keyword", ignore_above: 256, normalizer: "folded" } },
} as const;

const text = { type: "text", analyzer: "chart_text" } as const;

/** Facets group by the folded keyword and show the most frequent spelling as printed (`raw`). */
const facility = {
  ...textWithKeyword,
  fields: { ...textWithKeyword.fields, raw: { type: "keyword", ignore_above: 256 } },
} as const;

/** Dates are YYYY-MM-DD; a malformed one is skipped rather than failing the whole document. */
const day = { type: "date", format: "strict_date", ignore_malformed: true } as const;
const timestamp = { type: "date", format: "strict_date_optional_time", ignore_malformed: true } as const;

export const CHART_RECORDS_SETTINGS = {
  analysis: {
    normalizer: {
      folded: { type: "custom", filter: ["lowercase", "asciifolding"] },
    },
    analyzer: {
      // Standard tokenization, case- and accent-insensitive ("José" matches "Jose").
      chart_text: { type: "custom", tokenizer: "standard", filter: ["lowercase", "asciifolding"] },
    },
  },
} as const;

export const CHART_RECORDS_MAPPINGS = {
  dynamic: "strict",
  properties: {
    id: { type: "keyword" },
    version: { type: "long" },
    status: { type: "keyword" },
    documentType: { type: "keyword" },
    patientName: textWithKeyword,
    dateOfBirth: day,
    // As printed (shown in hits); searches filter on mrnKey, computed by the domain's mrnKey on write.
    mrn: { type: "keyword" },
    mrnKey: { type: "keyword" },
    dateOfService: day,
    provider: textWithKeyword,
    facility,
    diagnoses: text,
    medications: text,
    allergies: text,
    text,
    // The OCR text again, one nested document per page (in page order), so a highlight can say its page.
    pages: { type: "nested", properties: { text } },
    vendor: { type: "keyword" },
    batch: { type: "keyword" },
    sourceKey: { type: "keyword", index: false },
    createdAt: timestamp,
    updatedAt: timestamp,
  },
} as const;

/** Body of the create-index request: settings, mappings and (optionally) the alias. */
export function createIndexBody(alias?: string): Record<string, unknown> {
  return {
    settings: CHART_RECORDS_SETTINGS,
    mappings: CHART_RECORDS_MAPPINGS,
    ...(alias ? { aliases: { [alias]: {} } } : {}),
  };
}
