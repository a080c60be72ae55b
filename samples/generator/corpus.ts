import type { DocumentType } from "../../shared/domain/document-types";
import { buildChartSpec, mulberry32, type ChartSpec } from "./chart-spec";
import {
  applyDegradation,
  degradeProfile,
  photoProfile,
  type DegradeProfile,
  type GrayImage,
} from "./degrade";
import { CORPUS_DOCUMENT_TYPES, LAYOUTS, layoutByName, type Layout } from "./layouts";
import { encodeImagePdf, encodePage } from "./render-chart";
import { renderLayoutDocument, renderSeparatorPage } from "./render-layout";
import { declaredDpi, onPaper, pickVariation, varyLayout, type ScanVariation } from "./scan-variation";
import { encodeTiff, type GrayPage } from "./tiff";

/**
 * A seeded corpus of synthetic scanned charts with ground truth, for the extraction accuracy benchmark.
 *
 * Ground-truth conventions (what extraction should produce from the page):
 * - Only fields actually printed on the document are present; a layout that does not print a field (no sex on
 *   the dense transcription line, no MRN on a clinic letter, no facility without letterhead/footer, no provider
 *   on an intake form) leaves it out.
 * - Dates are YYYY-MM-DD whatever the printed format (2-digit years such as 3/14/62 are 19xx for birth dates).
 * - `sex` is female|male, whether printed "Female", "F" or "FEMALE".
 * - `patientName` is "First Last" order in the case printed: "DOE, JANE" → "JANE DOE", "Doe, Jane" → "Jane Doe".
 *   Compare names case-insensitively. `printed.patientName` keeps the exact printed form.
 * - `provider` and `facility` are exactly as printed ("Dr. Alan Reyes, MD" or "Alan Reyes, MD").
 * - Discharge summaries print admission and discharge dates and no separate date of service, so their truth
 *   has admissionDate/dischargeDate and no dateOfService.
 * - Distractors are printed but never truth: "Account #"/"Encounter #" next to the MRN, RECEIVED/FAXED stamp
 *   dates, fax transmission lines, dictation/transcription dates, "Printed ..." footers.
 */

export interface TruthFields {
  patientName?: string;
  dateOfBirth?: string;
  sex?: "female" | "male";
  mrn?: string;
  dateOfService?: string;
  admissionDate?: string;
  dischargeDate?: string;
  provider?: string;
  facility?: string;
}

export interface TruthDocument {
  /** 1-based inclusive page range within the file */
  pages: [number, number];
  documentType: DocumentType;
  fields: TruthFields;
  /** Extra (not needed by the benchmark): the exact strings printed for each truth field. */
  printed?: Partial<Record<keyof TruthFields, string>>;
}

export interface CorpusItem {
  id: string;
  /** file bytes */
  file: Uint8Array;
  format: "pdf" | "tiff" | "png" | "jpeg";
  degraded: boolean;
  layout: string;
  documents: TruthDocument[];
  /** Extra: scan resolution of the pages in the file. */
  dpi?: number;
  /**
   * Extra: 1-based pages that are a blank sheet or a separator sheet. They are counted at the end of the preceding
   * document's range (so ranges cover the file); a splitter may drop them instead.
   */
  separatorPages?: number[];
  /** Extra: the degradation profile applied (degraded items only). */
  profile?: DegradeProfile;
  /** Extra: how the item departs from its layout (wide corpora only). */
  variation?: ScanVariation;
}

export interface BuildCorpusOptions {
  seed: number;
  count: number;
  degraded: boolean;
  /** how many of `count` are multi-document stacks (2–3 documents, sometimes different patients, sometimes a blank separator page) */
  stacks?: number;
  /** Extra: force one scan resolution for every item (e.g. 100 for fast tests); default 200–300 DPI per item. */
  dpi?: number;
  /**
   * "wide" varies what the layouts hold fixed (scan-variation.ts): paper size, print position, type family
   * and size, and the resolution the file declares. "fixed" (the default, the corpus of before): every page
   * a Letter sheet in the layout's type, every file declaring its true resolution.
   */
  variation?: "fixed" | "wide";
  /**
   * With `degraded`: "scan" (default) draws scanner, copier, fax and JPEG profiles; "photo" draws phone
   * photos (uneven light, keystone) and carbon copies (photoProfile).
   */
  capture?: "scan" | "photo";
}

function hash(...xs: number[]): number {
  let h = 0x811c9dc5;
  for (const x of xs) {
    h = Math.imul(h ^ (x >>> 0), 0x01000193) >>> 0;
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
  }
  return h >>> 0;
}

function pick<T>(rng: () => number, items: readonly T[]): T {
  const item = items[Math.floor(rng() * items.length)];
  if (item === undefined) throw new Error("pick from an empty list");
  return item;
}

function typeFor(layout: Layout, index: number): DocumentType {
  const wanted = CORPUS_DOCUMENT_TYPES[index % CORPUS_DOCUMENT_TYPES.length] as DocumentType;
  const allowed = layout.documentTypes;
  if (!allowed || allowed.includes(wanted)) return wanted;
  return allowed[index % allowed.length] as DocumentType;
}

/** A spec of `documentType` for the same patient as `like` (same MRN and facility), or for a different patient. */
function specFor(
  seed: number,
  documentType: DocumentType,
  like: ChartSpec | undefined,
  samePatient: boolean,
): ChartSpec {
  if (!like) return buildChartSpec({ seed, documentType });
  for (let k = 0; k < 400; k++) {
    const spec = buildChartSpec({ seed: hash(seed, k), documentType });
    const same = spec.source.patientIndex === like.source.patientIndex;
    if (same !== samePatient) continue;
    // Same facility for the whole stack; the same patient keeps one MRN there.
    return {
      ...spec,
      facility: like.facility,
      ...(samePatient ? { patient: like.patient } : {}),
    };
  }
  // Fallback (never hit with the bundled data): reuse the patient outright.
  const spec = buildChartSpec({ seed, documentType });
  return { ...spec, facility: like.facility, ...(samePatient ? { patient: like.patient } : {}) };
}

/** Which item indexes are stacks: spread evenly over the corpus. */
function stackIndexes(count: number, stacks: number): Set<number> {
  const n = Math.max(0, Math.min(count, Math.floor(stacks)));
  const out = new Set<number>();
  for (let k = 0; k < n; k++) out.add(Math.min(count - 1, Math.floor(((k + 0.5) * count) / n)));
  return out;
}

let backCache: { seed: number; page: GrayImage } | undefined;
/** A generic text page used as the back side for bleed-through. */
function backPage(seed: number): GrayImage {
  if (backCache?.seed !== seed) {
    const spec = buildChartSpec({ seed: hash(seed, 0xb4c), documentType: "progress_note" });
    const page = renderLayoutDocument(
      { spec, layout: layoutByName("classic-table") },
      { dpi: 150, maxPages: 1 },
    ).pages[0];
    if (!page) throw new Error("back page did not render");
    backCache = { seed, page };
  }
  return backCache.page;
}

/**
 * Builds `count` corpus items, deterministically from `seed`: item i uses layout i mod 13 (LAYOUTS order) and
 * cycles through 9 document types. Single-page items are PNG, JPEG or TIFF; multi-page items PDF or TIFF;
 * 200, 240 or 300 DPI. With `degraded`, every page goes through one seeded degradation profile per item
 * (per-page skew varies); clean items are crisp renders on white paper.
 */
export function buildCorpus(opts: BuildCorpusOptions): CorpusItem[] {
  const { seed, count, degraded } = opts;
  const stackAt = stackIndexes(count, opts.stacks ?? 0);
  const items: CorpusItem[] = [];
  for (let i = 0; i < count; i++) {
    const rng = mulberry32(hash(seed, i, 0xc0));
    const layout = LAYOUTS[i % LAYOUTS.length] as Layout;
    const drawn = pick(rng, [200, 200, 200, 240, 300, 300]);
    const dpi = opts.dpi ?? drawn;
    const isStack = stackAt.has(i);
    // From a stream of its own, so the rest of the item is drawn exactly as in a fixed corpus.
    const variation = opts.variation === "wide" ? pickVariation(mulberry32(hash(seed, i, 0x7a))) : undefined;
    const printedLayout = variation ? varyLayout(layout, variation) : layout;

    // ---- what goes in the file: documents (type, spec, page budget) and separator pages
    const plan: { spec: ChartSpec; pages: number }[] = [];
    let separator: "blank" | "separator" | undefined;
    if (isStack) {
      const docs = rng() < 0.5 ? 2 : 3;
      const samePatient = rng() < 0.5;
      separator = docs === 2 && rng() < 0.6 ? (rng() < 0.5 ? "blank" : "separator") : undefined;
      const longFirst = docs === 2 && !separator;
      let first: ChartSpec | undefined;
      for (let k = 0; k < docs; k++) {
        const type = typeFor(layout, i + k * 4);
        // The first document sets the patient and facility; later ones are the same patient or someone else.
        const spec = specFor(hash(seed, i, k, 0x57), type, first, samePatient);
        first ??= spec;
        plan.push({ spec, pages: longFirst && k === 0 ? 2 : 1 });
      }
    } else {
      const spec = buildChartSpec({ seed: hash(seed, i, 0x51), documentType: typeFor(layout, i) });
      const r = rng();
      plan.push({ spec, pages: r < 0.5 ? 1 : r < 0.85 ? 2 : 3 });
    }

    // ---- render clean pages and the truth
    const pages: GrayPage[] = [];
    const documents: TruthDocument[] = [];
    const separatorPages: number[] = [];
    plan.forEach(({ spec, pages: budget }, k) => {
      const rendered = renderLayoutDocument(
        { spec, layout: printedLayout },
        { dpi, maxPages: budget, minPages: budget },
      );
      const start = pages.length + 1;
      pages.push(...rendered.pages);
      if (separator && k === 0) {
        pages.push(renderSeparatorPage(separator, dpi, hash(seed, i)));
        separatorPages.push(pages.length);
      }
      documents.push({
        pages: [start, pages.length],
        documentType: spec.documentType,
        fields: rendered.fields,
        printed: rendered.printed,
      });
    });

    // ---- the sheets the print is on, then what scanning does to them
    const sheets = variation ? pages.map((page) => onPaper(page, variation)) : pages;
    let profile: DegradeProfile | undefined;
    let finalPages: GrayImage[] = sheets;
    if (degraded) {
      profile = opts.capture === "photo" ? photoProfile(rng) : degradeProfile(rng);
      const p = profile;
      finalPages = sheets.map((page, n) => {
        const pageRng = mulberry32(hash(seed, i, n, 0xde));
        // Each sheet feeds with its own skew, within ±3°.
        const rotation = Math.max(
          -3,
          Math.min(3, p.rotation * (0.6 + 0.4 * pageRng()) + (pageRng() - 0.5) * 0.4),
        );
        const back = sheets[n + 1] ?? sheets[n - 1] ?? backPage(seed);
        return applyDegradation(
          page,
          { ...p, rotation },
          pageRng,
          separatorPages.includes(n + 1) ? undefined : back,
        );
      });
    }

    // ---- encode
    const single = finalPages.length === 1;
    const format: CorpusItem["format"] = single
      ? pick(rng, ["png", "jpeg", "tiff"] as const)
      : pick(rng, ["pdf", "pdf", "tiff"] as const);
    const quality = degraded ? 70 : 85;
    const first = finalPages[0] as GrayPage;
    const declared = variation ? (declaredDpi(variation, first.dpi) ?? "none") : first.dpi;
    const file =
      format === "png"
        ? encodePage(first, "png", 0, declared)
        : format === "jpeg"
          ? encodePage(first, "jpeg", quality, declared)
          : format === "tiff"
            ? encodeTiff(finalPages, declared)
            : encodeImagePdf(finalPages, quality, declared);

    const types = documents.map((d) => d.documentType.replaceAll("_", "-")).join("+");
    items.push({
      id: `s${seed}-${String(i).padStart(3, "0")}-${layout.name}-${types}${!degraded ? "" : opts.capture === "photo" ? `-${profile?.kind}` : "-degraded"}`,
      file,
      format,
      degraded,
      layout: layout.name,
      documents,
      dpi: first.dpi,
      ...(separatorPages.length ? { separatorPages } : {}),
      ...(profile ? { profile } : {}),
      ...(variation ? { variation } : {}),
    });
  }
  return items;
}
