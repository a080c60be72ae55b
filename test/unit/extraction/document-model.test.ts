import { describe, expect, it } from "vitest";
import { extractDocument } from "../../support/extraction";
import { buildModel } from "../../../shared/extraction/model/document-model";
import { sanitizeBlocks } from "../../support/parser-model";
import { splitWordText, tokenKey } from "../../../shared/extraction/model/tokens";
import type { TextractDocument } from "../../../shared/ocr/textract-blocks";
import { buildDoc, page, REF_DATE } from "./build-blocks";

describe("tokens", () => {
  it("splits labels glued to values, but not times", () => {
    expect(splitWordText("DOB:03/14/1962")).toEqual(["DOB:", "03/14/1962"]);
    expect(splitWordText("MRN#:")).toEqual(["MRN", "#:"]);
    expect(splitWordText("MRN#00123")).toEqual(["MRN", "#", "00123"]);
    expect(splitWordText("10:30")).toEqual(["10:30"]);
    expect(splitWordText("Name:")).toEqual(["Name:"]);
  });

  it("keys ignore case and punctuation", () => {
    expect(tokenKey("D.O.B.:")).toBe("dob");
    expect(tokenKey("Patient's")).toBe("patients");
    expect(tokenKey("#:")).toBe("#");
  });
});

describe("buildModel / sanitizeBlocks", () => {
  it("handles blocks without Polygon and without Page (synchronous API shape)", () => {
    const doc = buildDoc([page("Patient: Jane Doe"), page("MRN: 00123")], {
      omitPageField: true,
      omitPolygon: true,
    });
    const model = buildModel(doc);
    expect(model.pageCount).toBe(2);
    expect(model.pages.map((p) => p.number)).toEqual([1, 2]);
    expect(model.pages[1]?.lines[0]?.text).toBe("MRN: 00123");
  });

  it("regroups merged multi-page results whose blocks are out of page order", () => {
    const doc = buildDoc([page("Patient: Jane Doe"), page("MRN: 00123")]);
    const pages = doc.Blocks.filter((b) => b.BlockType === "PAGE");
    const others = doc.Blocks.filter((b) => b.BlockType !== "PAGE");
    const shuffled: TextractDocument = { ...doc, Blocks: [...pages, ...others.reverse()] };
    const r = extractDocument(shuffled, { referenceDate: REF_DATE });
    expect(r.pageCount).toBe(2);
    expect(r.fields.patientName).toMatchObject({ value: "Jane Doe", page: 1 });
    expect(r.fields.mrn).toMatchObject({ value: "00123", page: 2 });
  });

  it("synthesizes a missing PAGE block and drops dangling relationship ids", () => {
    const doc = buildDoc(page("Patient: Jane Doe"));
    const blocks = doc.Blocks.filter((b) => b.BlockType !== "PAGE").map((b) =>
      b.BlockType === "LINE"
        ? {
            ...b,
            Relationships: [{ Type: "CHILD", Ids: [...(b.Relationships?.[0]?.Ids ?? []), "missing-id"] }],
          }
        : b,
    );
    const fixed = sanitizeBlocks(blocks);
    expect(fixed[0]?.BlockType).toBe("PAGE");
    expect(
      extractDocument({ DocumentMetadata: { Pages: 1 }, Blocks: blocks }).fields.patientName?.value,
    ).toBe("Jane Doe");
  });

  it("handles LINE blocks without WORD children", () => {
    const doc = buildDoc(page("Patient: Jane Doe   MRN: 00123"));
    const linesOnly: TextractDocument = {
      ...doc,
      Blocks: doc.Blocks.filter((b) => b.BlockType !== "WORD").map((b) =>
        b.BlockType === "LINE" ? { ...b, Relationships: [] } : b,
      ),
    };
    expect(extractDocument(linesOnly).fields).toMatchObject({
      patientName: { value: "Jane Doe" },
      mrn: { value: "00123" },
    });
  });

  it("returns an empty result for a document without blocks, keeping the declared page count", () => {
    expect(extractDocument({ DocumentMetadata: { Pages: 3 }, Blocks: [] })).toEqual({
      documentType: "other",
      pageCount: 3,
      fields: {},
      diagnoses: [],
      medications: [],
      allergies: [],
    });
  });

  it("does not mutate its input", () => {
    const doc = buildDoc(page("Patient: Jane Doe", { text: "DOB: 03/14/1962", kv: true }), {
      omitPolygon: true,
    });
    const before = JSON.stringify(doc);
    extractDocument(doc);
    expect(JSON.stringify(doc)).toBe(before);
  });
});
