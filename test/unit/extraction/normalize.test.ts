import { describe, expect, it } from "vitest";
import { findDate, normalizeDate } from "../../../shared/extraction/normalize/dates";
import { normalizeMrn } from "../../../shared/extraction/normalize/mrn";
import {
  cleanText,
  looksLikePersonName,
  normalizePatientName,
  normalizeProviderName,
} from "../../../shared/extraction/normalize/names";
import { misreadSex, normalizeSex } from "../../../shared/extraction/normalize/sex";
import { REF_DATE } from "./build-blocks";

const ref = { referenceDate: REF_DATE };

describe("normalizeDate", () => {
  it.each([
    ["03/14/1962", "1962-03-14"],
    ["3/14/1962", "1962-03-14"],
    ["3-14-1962", "1962-03-14"],
    ["03.14.1962", "1962-03-14"],
    ["1962-03-14", "1962-03-14"],
    ["1962/3/14", "1962-03-14"],
    ["14-Mar-1962", "1962-03-14"],
    ["14 Mar 1962", "1962-03-14"],
    ["14 March 1962", "1962-03-14"],
    ["March 14, 1962", "1962-03-14"],
    ["Mar 14 1962", "1962-03-14"],
    ["Mar. 14, 1962", "1962-03-14"],
    ["MAR-14-1962", "1962-03-14"],
    ["sept 3, 2024", "2024-09-03"],
    ["(03/14/1962)", "1962-03-14"],
    ["03/14/1962,", "1962-03-14"],
  ])("%s → %s", (raw, iso) => {
    expect(normalizeDate(raw, { kind: "birth", ...ref })).toBe(iso);
  });

  it("reads day-first only when the first number cannot be a month", () => {
    expect(normalizeDate("14/03/1962", ref)).toBe("1962-03-14");
    expect(normalizeDate("05/06/2020", ref)).toBe("2020-05-06");
  });

  it("rejects impossible dates and non-dates", () => {
    for (const bad of [
      "02/30/2020",
      "13/13/2020",
      "2020-02-30",
      "00/10/2020",
      "Feb 30 2020",
      "hello",
      "12345",
      "03/14",
      "1962",
    ]) {
      expect(normalizeDate(bad, ref), bad).toBeUndefined();
    }
    expect(normalizeDate("02/29/2024", ref)).toBe("2024-02-29");
    expect(normalizeDate("02/29/2023", ref)).toBeUndefined();
  });

  describe("two-digit years", () => {
    it("birth dates are never in the future", () => {
      expect(normalizeDate("3-14-62", { kind: "birth", ...ref })).toBe("1962-03-14");
      expect(normalizeDate("01/02/03", { kind: "birth", ...ref })).toBe("2003-01-02");
      expect(normalizeDate("05/31/25", { kind: "birth", ...ref })).toBe("2025-05-31");
      // 2025-07-01 would be after the reference date (2025-06-01): a birth date cannot be.
      expect(normalizeDate("07/01/25", { kind: "birth", ...ref })).toBe("1925-07-01");
      expect(normalizeDate("14-Mar-62", { kind: "birth", ...ref })).toBe("1962-03-14");
    });

    it("service dates pick the century nearest now, but not far in the future", () => {
      expect(normalizeDate("03/14/24", { kind: "event", ...ref })).toBe("2024-03-14");
      expect(normalizeDate("03/14/26", { kind: "event", ...ref })).toBe("2026-03-14");
      expect(normalizeDate("03/14/27", { kind: "event", ...ref })).toBe("1927-03-14");
      expect(normalizeDate("03/14/99", { kind: "event", ...ref })).toBe("1999-03-14");
      expect(normalizeDate("03/14/62", { kind: "event", ...ref })).toBe("1962-03-14");
    });
  });

  it("rejects four-digit birth dates in the future and implausible service years", () => {
    expect(normalizeDate("03/14/2030", { kind: "birth", ...ref })).toBeUndefined();
    expect(normalizeDate("03/14/2031", { kind: "event", ...ref })).toBeUndefined();
    expect(normalizeDate("03/14/1850", { kind: "event", ...ref })).toBeUndefined();
  });

  it("findDate finds a multi-word date among other words", () => {
    expect(findDate(["on", "March", "14,", "1962", "at", "noon"], ref)).toEqual({
      value: "1962-03-14",
      start: 1,
      end: 4,
    });
    expect(findDate(["no", "date", "here"], ref)).toBeUndefined();
  });
});

describe("normalizeSex", () => {
  it.each([
    ["M", "male"],
    ["m", "male"],
    ["Male", "male"],
    ["MALE", "male"],
    ["F", "female"],
    ["Female", "female"],
    ["female.", "female"],
    ["X", "other"],
    ["Other", "other"],
    ["Unknown", "unknown"],
    ["U", "unknown"],
    ["F 62 yo", "female"],
  ])("%s → %s", (raw, sex) => expect(normalizeSex(raw)).toBe(sex));

  it("returns undefined for anything else", () => {
    expect(normalizeSex("")).toBeUndefined();
    expect(normalizeSex("Married")).toBeUndefined();
    expect(normalizeSex("____")).toBeUndefined();
  });
});

describe("misreadSex", () => {
  it.each([
    ["Mule", "male"],
    ["Mle", "male"],
    ["Ma1e", "male"],
    ["Femle", "female"],
    ["FEMALF", "female"],
  ])("%s → %s (one letter off, first letter right)", (raw, sex) => expect(misreadSex(raw)).toBe(sex));

  it.each(["emale", "Fale", "Married", "Mo", "Mouse", "Fern"])("%s → nothing", (raw) =>
    expect(misreadSex(raw)).toBeUndefined(),
  );
});

describe("names", () => {
  it("collapses whitespace and strips trailing punctuation", () => {
    expect(cleanText("  Jane   Doe , ")).toBe("Jane Doe");
    expect(cleanText("Jane Doe.")).toBe("Jane Doe");
    expect(cleanText("Jane Doe;:")).toBe("Jane Doe");
  });

  it("strips courtesy titles from patient names", () => {
    expect(normalizePatientName("Mr. John Smith")).toBe("John Smith");
    expect(normalizePatientName("Mrs Jane Doe")).toBe("Jane Doe");
    expect(normalizePatientName("MS. ANN LEE")).toBe("ANN LEE");
  });

  it("keeps LAST, FIRST as printed", () => {
    expect(normalizePatientName("DOE,  JANE  A.")).toBe("DOE, JANE A");
    expect(normalizePatientName("Doe, Jane")).toBe("Doe, Jane");
  });

  it("drops a quote mark a scan speck left at either end of a name, keeps one inside", () => {
    expect(normalizeProviderName("Dr. Samuel Okafor, DO’")).toBe("Dr. Samuel Okafor, DO");
    expect(normalizePatientName("‘Wyman, Colin")).toBe("Wyman, Colin");
    expect(normalizePatientName("Mary O'Brien\"")).toBe("Mary O'Brien");
  });

  it("accepts real-looking names, rejects prose", () => {
    expect(looksLikePersonName("Mary-Jane O'Brien")).toBe(true);
    expect(looksLikePersonName("Ludwig van Beethoven")).toBe(true);
    expect(looksLikePersonName("is a 62 year old female")).toBe(false);
    expect(looksLikePersonName("was seen today")).toBe(false);
    expect(looksLikePersonName("Jane Doe 62F")).toBe(false);
    expect(looksLikePersonName("Unknown")).toBe(false);
  });

  it("keeps provider titles and credentials", () => {
    expect(normalizeProviderName("Robert  Smith, MD")).toBe("Robert Smith, MD");
    expect(normalizeProviderName("Dr. Ann Lee")).toBe("Dr. Ann Lee");
    expect(normalizeProviderName("the nurse")).toBeUndefined();
  });
});

describe("normalizeMrn", () => {
  it("keeps punctuation inside, trims around", () => {
    expect(normalizeMrn(["00-12345"])).toEqual({ value: "00-12345", count: 1 });
    expect(normalizeMrn(["#", "00123"])).toEqual({ value: "00123", count: 2 });
    expect(normalizeMrn(["00123,", "Room", "4"])).toEqual({ value: "00123", count: 1 });
    expect(normalizeMrn(["A123456"])).toEqual({ value: "A123456", count: 1 });
  });

  it("skips a bracket a box corner left before the number", () => {
    expect(normalizeMrn(["}", "44544092"])).toEqual({ value: "44544092", count: 2 });
    expect(normalizeMrn(["[00123]"])).toEqual({ value: "00123", count: 1 });
  });

  it("joins a digit OCR split off a full-length number, for review", () => {
    expect(normalizeMrn(["MRN-28461", "4"])).toEqual({ value: "MRN-284614", count: 2, repaired: true });
    expect(normalizeMrn(["284614", "07"])).toEqual({ value: "28461407", count: 2, repaired: true });
    // Groups of a number printed with spaces are kept as printed.
    expect(normalizeMrn(["123", "456", "789"])).toEqual({ value: "123 456 789", count: 3 });
  });

  it("requires a digit", () => {
    expect(normalizeMrn(["pending"])).toBeUndefined();
    expect(normalizeMrn([])).toBeUndefined();
  });
});
