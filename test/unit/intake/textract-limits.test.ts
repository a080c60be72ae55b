import { describe, expect, it } from "vitest";
import { checkLimits, TEXTRACT_LIMITS } from "../../../shared/intake/textract-limits";

const MiB = 1024 * 1024;

describe("checkLimits", () => {
  it("uses MiB for the size limits", () => {
    expect(TEXTRACT_LIMITS.imageMaxBytes).toBe(10 * MiB);
    expect(TEXTRACT_LIMITS.documentMaxBytes).toBe(500 * MiB);
  });

  it.each(["png", "jpeg"] as const)("allows %s up to exactly 10 MiB", (fileType) => {
    expect(checkLimits({ fileType, size: 10 * MiB })).toBeUndefined();
    expect(checkLimits({ fileType, size: 10 * MiB + 1 })).toBe("TOO_LARGE");
  });

  it.each(["pdf", "tiff"] as const)("allows %s up to exactly 500 MiB", (fileType) => {
    expect(checkLimits({ fileType, size: 10 * MiB + 1 })).toBeUndefined();
    expect(checkLimits({ fileType, size: 500 * MiB })).toBeUndefined();
    expect(checkLimits({ fileType, size: 500 * MiB + 1 })).toBe("TOO_LARGE");
  });

  it("allows up to 3,000 pages", () => {
    expect(checkLimits({ fileType: "pdf", size: 1, pageCount: 3000 })).toBeUndefined();
    expect(checkLimits({ fileType: "pdf", size: 1, pageCount: 3001 })).toBe("TOO_MANY_PAGES");
    expect(checkLimits({ fileType: "tiff", size: 1, pageCount: 3001 })).toBe("TOO_MANY_PAGES");
  });

  it("allows up to 10,000 pixels on a side", () => {
    expect(checkLimits({ fileType: "png", size: 1, pageCount: 1, maxPixelSide: 10_000 })).toBeUndefined();
    expect(checkLimits({ fileType: "png", size: 1, pageCount: 1, maxPixelSide: 10_001 })).toBe(
      "IMAGE_TOO_LARGE",
    );
    expect(checkLimits({ fileType: "tiff", size: 1, pageCount: 2, maxPixelSide: 10_001 })).toBe(
      "IMAGE_TOO_LARGE",
    );
  });

  it("reports size before pages before pixels", () => {
    expect(
      checkLimits({ fileType: "tiff", size: 500 * MiB + 1, pageCount: 3001, maxPixelSide: 20_000 }),
    ).toBe("TOO_LARGE");
    expect(checkLimits({ fileType: "tiff", size: 1, pageCount: 3001, maxPixelSide: 20_000 })).toBe(
      "TOO_MANY_PAGES",
    );
  });

  it("ignores unknown page count and pixel size", () => {
    expect(checkLimits({ fileType: "pdf", size: 1 })).toBeUndefined();
  });
});

describe("checkLimits on PDF page boxes", () => {
  it("allows PDF pages up to 40 inches on a side", () => {
    expect(
      checkLimits({ fileType: "pdf", size: 1, pageCount: 1, maxPageSidePoints: 40 * 72 }),
    ).toBeUndefined();
    expect(checkLimits({ fileType: "pdf", size: 1, pageCount: 1, maxPageSidePoints: 40 * 72 + 1 })).toBe(
      "PAGE_TOO_LARGE",
    );
  });
});
