/** The fast DocModel builder must build exactly what the parser-only builder builds. */
import { describe, expect, it } from "vitest";
import { buildModel, extractPart, plainText } from "../../../shared/extraction";
import { buildDocModelWithParser } from "../../support/parser-model";
import {
  extractDocument,
  extractDocuments,
  splitDocument,
  subDocument,
  subModel,
} from "../../support/extraction";
import type { TextractDocument } from "../../../shared/ocr/textract-blocks";
import { REF_DATE } from "./build-blocks";
import { fixtureNames, loadFixture, syntheticDocs } from "./equivalence-docs";

describe("buildModel (fast path) equals buildDocModelWithParser", () => {
  for (const name of fixtureNames) {
    it(name, () => {
      const doc = loadFixture(name);
      expect(buildModel(doc)).toEqual(buildDocModelWithParser(doc));
    });
  }
  for (const [name, doc] of Object.entries(syntheticDocs())) {
    it(`synthetic ${name}`, () => {
      expect(buildModel(doc)).toEqual(buildDocModelWithParser(doc));
    });
  }
  it("empty and block-less documents", () => {
    for (const doc of [
      { DocumentMetadata: { Pages: 3 }, Blocks: [] },
      { DocumentMetadata: { Pages: 0 }, Blocks: [] },
    ]) {
      expect(buildModel(doc)).toEqual(buildDocModelWithParser(doc));
    }
  });
});

describe("subModel equals the model of subDocument", () => {
  const docs = {
    ...Object.fromEntries(fixtureNames.map((n) => [n, loadFixture(n)])),
    ...syntheticDocs(),
  };
  for (const [name, doc] of Object.entries(docs)) {
    it(name, () => {
      const model = buildModel(doc);
      const n = model.pageCount;
      const ranges: [number, number][] = [
        ...splitDocument(doc, { referenceDate: REF_DATE }).map((r) => r.pages),
        [1, n],
        [1, Math.max(1, n - 1)],
        [Math.min(2, n), n],
        [Math.ceil(n / 2), Math.ceil(n / 2)],
      ];
      for (const r of ranges) {
        const sub = subModel(model, r);
        expect(sub, `${r.join("-")}`).toEqual(buildModel(subDocument(doc, r)));
        // Read in place (the pipeline's way), a part gives what its copy gives.
        expect(extractPart(model, r, { referenceDate: REF_DATE }), `${r.join("-")}`).toEqual(
          extractPart(sub, undefined, { referenceDate: REF_DATE }),
        );
        expect(plainText(model, r), `${r.join("-")}`).toBe(plainText(sub));
      }
    });
  }
});

describe("parts read in place", () => {
  it("each part of a split file equals the extraction of its own copy (subDocument, subModel)", () => {
    const doc = syntheticDocs()["stack-no-page-field"] as TextractDocument;
    const opts = { referenceDate: REF_DATE };
    const parts = extractDocuments(doc, opts);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) {
      expect(p.result).toEqual(extractDocument(subDocument(doc, p.pages), opts));
      expect(extractPart(subModel(buildModel(doc), p.pages), undefined, opts)).toEqual(p.result);
    }
  });
});
