import { describe, expect, it } from "vitest";
import { buildModel, plainText as modelText } from "../../../shared/extraction";
import type { TextractDocument } from "../../../shared/ocr/textract-blocks";
import { buildDoc, page } from "./build-blocks";

const plainText = (doc: TextractDocument) => modelText(buildModel(doc));

describe("plainText", () => {
  it("joins lines with \\n and pages with \\f", () => {
    const doc = buildDoc([
      page("DISCHARGE SUMMARY", "Patient: Jane Doe"),
      page("Page 2", "Follow up in 1 week"),
    ]);
    expect(plainText(doc)).toBe("DISCHARGE SUMMARY\nPatient: Jane Doe\fPage 2\nFollow up in 1 week");
  });

  it("keeps a place for pages without text", () => {
    const doc = buildDoc([page("one"), page(), page("three")]);
    expect(plainText(doc)).toBe("one\f\fthree");
    expect(plainText(doc).split("\f")).toHaveLength(3);
  });

  it("is empty for a document without blocks", () => {
    expect(plainText({ DocumentMetadata: { Pages: 0 }, Blocks: [] })).toBe("");
    expect(plainText({ DocumentMetadata: { Pages: 2 }, Blocks: [] })).toBe("\f");
  });
});
