import { describe, expect, it } from "vitest";
import { mrnKey } from "../../../shared/domain/mrn";

describe("mrnKey", () => {
  it.each(["MRN-004512", "mrn 004512", "004512", "MRN#: 004512", "MRN004512", " 004-512 ", "mrn.004.512"])(
    "%j is the key 004512",
    (raw) => {
      expect(mrnKey(raw)).toBe("004512");
    },
  );

  it("ignores case, spaces and punctuation", () => {
    expect(mrnKey("mr-00 123")).toBe(mrnKey("MR00123"));
  });

  it("keeps leading zeros: 4512 is another number than 004512", () => {
    expect(mrnKey("4512")).toBe("4512");
    expect(mrnKey("MRN-4512")).not.toBe(mrnKey("MRN-004512"));
  });

  it("keeps letters that are part of the number", () => {
    expect(mrnKey("A123456")).toBe("A123456");
    expect(mrnKey("A123456")).not.toBe(mrnKey("123456"));
    expect(mrnKey("MRNA12")).toBe("MRNA12");
    expect(mrnKey("MR00123")).toBe("MR00123");
  });

  it("keeps a value that is only the label, and gives nothing for no letters or digits", () => {
    expect(mrnKey("MRN")).toBe("MRN");
    expect(mrnKey(" -/. ")).toBe("");
  });
});
