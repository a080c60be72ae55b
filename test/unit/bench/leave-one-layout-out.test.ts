import { describe, expect, it } from "vitest";
import { labelsOnlyIn } from "../../../bench/accuracy/leave-one-layout-out";
import { extractDocument } from "../../support/extraction";
import { buildDoc, page, REF_DATE } from "../extraction/build-blocks";

describe("leave-one-layout-out", () => {
  it("finds the labels only one layout's captions need", () => {
    const own = labelsOnlyIn();
    expect([...own.get("dense-line")!]).toContain("Pt");
    expect([...own.get("running-header")!]).toContain("Med Rec #");
    // Captions several layouts print are known from the others.
    expect(own.get("classic-table")).toEqual(new Set());
  });

  it("extracts without the labels it is told to forget", () => {
    const doc = buildDoc(page("Pt: Jane Q Sample   DOB: 03/14/1962   MRN# 00123456"));
    const read = (withoutLabels?: Set<string>) =>
      extractDocument(doc, { referenceDate: REF_DATE, ...(withoutLabels ? { withoutLabels } : {}) }).fields;
    expect(read().patientName?.value).toBe("Jane Q Sample");
    expect(read().patientName!.confidence).toBeGreaterThan(0.9);
    const without = read(new Set(["Pt"]));
    // Not read through the forgotten label: only as a name on the birth date's line, for review.
    expect(without.patientName!.confidence).toBeLessThan(0.8);
    expect(without.dateOfBirth?.value).toBe("1962-03-14");

    const alone = buildDoc(page("Pt: Jane Q Sample", "Seen for follow-up today.", "DOB: 03/14/1962"));
    const opts = { referenceDate: REF_DATE };
    expect(extractDocument(alone, opts).fields.patientName?.value).toBe("Jane Q Sample");
    expect(
      extractDocument(alone, { ...opts, withoutLabels: new Set(["Pt"]) }).fields.patientName,
    ).toBeUndefined();
  });
});
