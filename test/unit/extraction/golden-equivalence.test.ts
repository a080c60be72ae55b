/**
 * Extraction output must not change when the read model is built differently: the public entry points (fast
 * DocModel, one model per split) are compared with the parser-only path, and with golden outputs checked in
 * under test/fixtures/extraction-golden. A change to the field rules that is meant to change the output
 * re-records the goldens on purpose (review the diff before committing it):
 *
 *   UPDATE_EXTRACTION_GOLDEN=1 npx vitest run --project unit test/unit/extraction/golden-equivalence
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildModel, extractPart, plainText, splitDocuments } from "../../../shared/extraction";
import { classifyModel } from "../../../shared/extraction/classify-document";
import { buildDocModelWithParser } from "../../support/parser-model";
import {
  classifyDocument,
  extractDocument,
  extractDocuments,
  splitDocument,
  subDocument,
} from "../../support/extraction";
import type { TextractDocument } from "../../../shared/ocr/textract-blocks";
import { REF_DATE } from "./build-blocks";
import { fixtureNames, loadFixture as load, syntheticDocs } from "./equivalence-docs";

const GOLDEN = new URL("../../fixtures/extraction-golden/", import.meta.url);
const UPDATE = process.env.UPDATE_EXTRACTION_GOLDEN === "1";
const opts = { referenceDate: REF_DATE };

/** Everything extraction says about a document, as plain JSON, through the public (fast) entry points. */
function observe(doc: TextractDocument) {
  const ranges = splitDocument(doc, opts);
  return JSON.parse(
    JSON.stringify({
      extract: extractDocument(doc, opts),
      classify: classifyDocument(doc),
      split: ranges,
      perPart: ranges.map((r) => extractDocument(subDocument(doc, r.pages), opts)),
      documents: extractDocuments(doc, opts),
      plainText: plainText(buildModel(doc)),
    }),
  ) as unknown;
}

/** The same through the old path: every DocModel built by the parser alone, parts cut with subDocument. */
function observeLegacy(doc: TextractDocument) {
  const model = buildDocModelWithParser(doc);
  const ranges = splitDocuments(model, opts);
  const part = (r: [number, number]) =>
    extractPart(buildDocModelWithParser(subDocument(doc, r)), undefined, opts);
  const documents =
    ranges.length === 1 && ranges[0]?.pages[0] === 1 && ranges[0].pages[1] >= model.pageCount
      ? [{ ...ranges[0], result: extractPart(model, undefined, opts) }]
      : ranges.map((r) => ({ ...r, result: part(r.pages) }));
  return JSON.parse(
    JSON.stringify({
      extract: extractPart(model, undefined, opts),
      classify: classifyModel(model),
      split: ranges,
      perPart: ranges.map((r) => part(r.pages)),
      documents,
      plainText: plainText(model),
    }),
  ) as unknown;
}

const cases: [string, () => TextractDocument][] = [
  ...fixtureNames.map((f): [string, () => TextractDocument] => [`fixture-${f}`, () => load(f)]),
  ...Object.keys(syntheticDocs()).map((k): [string, () => TextractDocument] => [
    `synthetic-${k}.json`,
    () => syntheticDocs()[k] as TextractDocument,
  ]),
];

describe("extraction output: fast path equals the parser-only path", () => {
  for (const [name, make] of cases) {
    it(name, () => {
      const doc = make();
      expect(observe(doc)).toEqual(observeLegacy(doc));
    });
  }
});

/** Any difference from the checked-in golden output fails: output drift is never silent. */
describe("extraction output matches the recorded golden outputs", () => {
  if (UPDATE) mkdirSync(GOLDEN, { recursive: true });
  for (const [name, make] of cases) {
    it(name, () => {
      const file = new URL(name, GOLDEN);
      const doc = make();
      if (UPDATE) writeFileSync(file, `${JSON.stringify(observe(doc), null, 1)}\n`);
      const golden = JSON.parse(readFileSync(file, "utf8")) as unknown;
      expect(observe(doc)).toEqual(golden);
    });
  }
});
