import { describe, expect, it } from "vitest";
import { humanName } from "../../../shared/fhir/patient";
import { dateMatches, parseDate, parseToken, referenceId } from "../../../shared/fhir/search-params";

const day = (d: string) => {
  const start = Date.parse(`${d}T00:00:00Z`);
  return { start, end: start + 86_400_000 };
};

describe("FHIR date search values", () => {
  it("reads a value's precision as the range it covers", () => {
    expect(parseDate("date", "2024")).toMatchObject({
      prefix: "eq",
      start: Date.UTC(2024, 0, 1),
      end: Date.UTC(2025, 0, 1),
    });
    expect(parseDate("date", "ge2024-02")).toMatchObject({
      prefix: "ge",
      start: Date.UTC(2024, 1, 1),
      end: Date.UTC(2024, 2, 1),
    });
    expect(parseDate("date", "lt2024-02-29")).toMatchObject({
      start: Date.UTC(2024, 1, 29),
      end: Date.UTC(2024, 2, 1),
    });
    expect(parseDate("date", "2024-02-29T10:00:00+02:00").start).toBe(Date.UTC(2024, 1, 29, 8));
  });

  it("compares ranges as FHIR does", () => {
    const march3 = day("2025-03-03");
    expect(dateMatches(parseDate("d", "2025-03"), march3)).toBe(true);
    expect(dateMatches(parseDate("d", "ne2025-03"), march3)).toBe(false);
    expect(dateMatches(parseDate("d", "gt2025-03-02"), march3)).toBe(true);
    expect(dateMatches(parseDate("d", "gt2025-03-03"), march3)).toBe(false);
    expect(dateMatches(parseDate("d", "ge2025-03-03"), march3)).toBe(true);
    expect(dateMatches(parseDate("d", "lt2025-03-03"), march3)).toBe(false);
    expect(dateMatches(parseDate("d", "le2025-03-03"), march3)).toBe(true);
    // A stay from the 1st to the 5th is not "in" the 3rd, but overlaps it from either side.
    const stay = { start: day("2025-03-01").start, end: day("2025-03-05").end };
    expect(dateMatches(parseDate("d", "2025-03-03"), stay)).toBe(false);
    expect(dateMatches(parseDate("d", "le2025-03-03"), stay)).toBe(true);
    expect(dateMatches(parseDate("d", "ge2025-03-03"), stay)).toBe(true);
  });

  it("refuses what is not a date, naming the parameter only", () => {
    for (const bad of ["2024-13", "2024-02-32", "03/14/1962", "ge", "2024-1-1", "sa2024"]) {
      expect(() => parseDate("period", bad), bad).toThrow(/^period: (must be a date|not a calendar date)/);
    }
  });
});

describe("FHIR tokens and references", () => {
  it("reads system|code, |code, system| and code", () => {
    expect(parseToken("http://loinc.org|11506-3")).toEqual({ system: "http://loinc.org", code: "11506-3" });
    expect(parseToken("|11506-3")).toEqual({ system: "", code: "11506-3" });
    expect(parseToken("http://loinc.org|")).toEqual({ system: "http://loinc.org" });
    expect(parseToken("11506-3")).toEqual({ code: "11506-3" });
  });

  it("takes a Patient reference as a relative, bare or absolute id, and nothing of another type", () => {
    expect(referenceId("Patient/pat-1", "Patient")).toBe("pat-1");
    expect(referenceId("pat-1", "Patient")).toBe("pat-1");
    expect(referenceId("https://ehr.example.org/fhir/Patient/pat-1", "Patient")).toBe("pat-1");
    expect(referenceId("Group/g-1", "Patient")).toBeUndefined();
    expect(referenceId("../../etc", "Patient")).toBeUndefined();
  });
});

describe("names as charts print them", () => {
  it.each([
    ["LOPEZ, MARIA A", { family: "LOPEZ", given: ["MARIA", "A"] }],
    ["Maria A. Lopez", { family: "Lopez", given: ["Maria", "A."] }],
    ["  Maria   Lopez ", { family: "Lopez", given: ["Maria"], text: "Maria Lopez" }],
    ["Cher", { family: "Cher" }],
  ])("%s", (printed, expected) => {
    expect(humanName(printed)).toMatchObject(expected);
  });
});
