/**
 * Adapter from chartbridge's Textract-shaped input to a small read model the rules work on. The block graph
 * (LINE→WORD children, KEY_VALUE_SET key/value links, TABLE→CELL, QUERY→QUERY_RESULT) is navigated with
 * `amazon-textract-response-parser`; everything downstream sees only the plain types below, so rules do not
 * depend on the library and are easy to test with hand-built blocks.
 */
import type { BoundingBox } from "../../domain/fields";
import type { TextractDocument } from "../../ocr/textract-blocks";
import { unionBoxes, type PageOrientation } from "./geometry";
import type { PageWarp } from "./page-frame";
import { DocModelBuilder } from "./model-builder";
import { meanConfidence, type Token } from "./tokens";

export interface OcrLine {
  page: number;
  /** Position in document reading order (0-based, across pages). */
  index: number;
  text: string;
  tokens: Token[];
  box: BoundingBox;
}

export interface KeyValue {
  page: number;
  keyText: string;
  keyTokens: Token[];
  valueText: string;
  valueTokens: Token[];
  /** Textract's confidence that this key/value pair is right, 0–100. */
  confidence: number;
  /** The value holds a checkbox rather than (or as well as) words. */
  isCheckbox: boolean;
}

export interface TableCell {
  row: number;
  column: number;
  text: string;
  tokens: Token[];
}

export interface TableModel {
  page: number;
  box: BoundingBox;
  rows: TableCell[][];
}

export interface QueryAnswer {
  page: number;
  alias?: string;
  question: string;
  answer: string;
  /** 0–100. */
  confidence: number;
  box?: BoundingBox;
}

export interface PageModel {
  number: number;
  /**
   * Clockwise rotation (degrees) that turns the scanned page upright, detected from the direction of its
   * words. Every box in the page's model (lines, tokens, key/values, tables, queries) is already in upright
   * page coordinates; `boxOnImage` (page-frame.ts) gives the box on the stored scan. Missing (pages built
   * by hand) means 0; buildModel always sets it.
   */
  orientation?: PageOrientation;
  /**
   * Where the upright page lies on the image when it lies skewed or slanted there (its PAGE polygon; see
   * page-frame.ts): its boxes are then on the straight page, and `boxOnImage` gives them on the stored scan.
   */
  warp?: PageWarp;
  lines: OcrLine[];
  keyValues: KeyValue[];
  tables: TableModel[];
  queries: QueryAnswer[];
}

export interface DocModel {
  pageCount: number;
  pages: PageModel[];
  /** All lines, page by page, in each page's reading order. */
  lines: OcrLine[];
}

/**
 * Parse a (possibly multi-page, possibly DetectDocumentText-only) Textract result into the read model.
 *
 * Blocks are grouped by page and each page is read on its own (page-reader.ts): LINE/WORD text straight
 * from the blocks, and only pages that hold other blocks (KEY_VALUE_SET, TABLE/CELL, QUERY/QUERY_RESULT, …)
 * through `amazon-textract-response-parser`, one parse per page. The result is the same model as reading
 * every page through the library (test/support/parser-model.ts; the equivalence is tested on every fixture).
 * A result fetched page by page is built the same way without holding it whole (DocModelBuilder).
 *
 * Pages scanned turned (upside down, sideways) keep the image's coordinates in Textract's output; the
 * direction of each page's words is tallied, and every box of a turned page is put in upright page
 * coordinates (PageModel.orientation says by how much). A page lying skewed or slanted on the image (its PAGE
 * polygon off square) is read through the projective map onto its corners (PageModel.warp, page-frame.ts).
 * Upright, straight pages are not transformed.
 */
export function buildModel(doc: TextractDocument): DocModel {
  const version = doc.DetectDocumentTextModelVersion ?? doc.AnalyzeDocumentModelVersion ?? "1.0";
  return new DocModelBuilder(version).add(doc.Blocks ?? []).finish(doc.DocumentMetadata?.Pages ?? 0);
}

/** Mean OCR confidence (0–1) and union box of some tokens: how every extracted value reports its source. */
export function evidence(tokens: readonly Token[]): {
  ocr: number;
  box: BoundingBox;
  page: number | undefined;
} {
  return { ocr: meanConfidence(tokens), box: unionBoxes(tokens.map((t) => t.box)), page: tokens[0]?.page };
}
