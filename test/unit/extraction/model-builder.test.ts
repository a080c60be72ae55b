/**
 * The model built from a result fetched page by page (ocr-complete's Get… responses of up to 1,000 blocks,
 * cut anywhere, even mid-page) is the model of the whole result read at once.
 */
import { describe, expect, it } from "vitest";
import { buildModel } from "../../../shared/extraction";
import { DocModelBuilder } from "../../../shared/extraction/model/model-builder";
import type { TextractBlock, TextractDocument } from "../../../shared/ocr/textract-blocks";
import { fixtureNames, loadFixture, syntheticDocs } from "./equivalence-docs";

function inChunks(doc: TextractDocument, size: number) {
  const builder = new DocModelBuilder(doc.DetectDocumentTextModelVersion ?? doc.AnalyzeDocumentModelVersion);
  for (let i = 0; i < doc.Blocks.length; i += size) builder.add(doc.Blocks.slice(i, i + size));
  return builder.finish(doc.DocumentMetadata.Pages);
}

const docs = { ...Object.fromEntries(fixtureNames.map((n) => [n, loadFixture(n)])), ...syntheticDocs() };

describe("DocModelBuilder: a result fed in chunks", () => {
  for (const [name, doc] of Object.entries(docs)) {
    it(name, () => {
      const whole = buildModel(doc);
      for (const size of [1, 7, 1000]) expect(inChunks(doc, size), `chunks of ${size}`).toEqual(whole);
    });
  }

  it("reads a page once a block of a later page arrives, holding no earlier page's blocks", () => {
    const doc = syntheticDocs()["repeat-all-40"]!;
    const builder = new DocModelBuilder();
    const firstPage = doc.Blocks.filter((b) => (b.Page ?? 1) === 1);
    builder.add(firstPage);
    const open = () => (builder as unknown as { open: Map<number, unknown> }).open;
    expect([...open().keys()]).toEqual([1]);
    builder.add(doc.Blocks.filter((b) => b.Page === 2).slice(0, 1));
    expect([...open().keys()]).toEqual([2]); // page 1 read and its blocks dropped
  });

  it("merges blocks of a page that come after a later page's (out of order) into that page", () => {
    const line = (id: string, page: number, text: string, top: number): TextractBlock => ({
      Id: id,
      BlockType: "LINE",
      Page: page,
      Text: text,
      Confidence: 99,
      Geometry: {
        BoundingBox: { Left: 0.1, Top: top, Width: 0.5, Height: 0.02 },
        Polygon: [
          { X: 0.1, Y: top },
          { X: 0.6, Y: top },
          { X: 0.6, Y: top + 0.02 },
          { X: 0.1, Y: top + 0.02 },
        ],
      },
    });
    const blocks = [
      line("a", 1, "first line", 0.1),
      line("b", 2, "page two", 0.1),
      line("c", 1, "late", 0.2),
    ];
    const model = new DocModelBuilder().add(blocks).finish(2);
    expect(model.pages.map((p) => p.lines.map((l) => l.text))).toEqual([
      ["first line", "late"],
      ["page two"],
    ]);
    expect(model.lines.map((l) => [l.text, l.index])).toEqual([
      ["first line", 0],
      ["late", 1],
      ["page two", 2],
    ]);
  });
});
