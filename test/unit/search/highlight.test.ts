import { describe, expect, it } from "vitest";
import {
  escapeHtml,
  highlight as highlightWithPages,
  normalizeTerm,
  tokenize,
} from "../../../shared/search/highlight";

/** The fragments' text (single-page texts: every fragment is on page 1). */
function highlight(...args: Parameters<typeof highlightWithPages>): string[] {
  const found = highlightWithPages(...args);
  expect(found.every((h) => h.page === 1)).toBe(true);
  return found.map((h) => h.text);
}

describe("highlight", () => {
  it("wraps matched words in <em>, case- and accent-insensitively", () => {
    expect(highlight("Patient: JOHN Smith, seen by Dr. José Ruiz.", ["john", "jose"])).toEqual([
      "Patient: <em>JOHN</em> Smith, seen by Dr. <em>José</em> Ruiz.",
    ]);
  });

  it("escapes HTML in the text around matches", () => {
    expect(highlight('A1c <7% & "stable" for smith', ["smith"])).toEqual([
      "A1c &lt;7% &amp; &quot;stable&quot; for <em>smith</em>",
    ]);
    expect(escapeHtml(`<a href='x'>&</a>`)).toBe("&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;");
  });

  it("only matches whole words", () => {
    expect(highlight("Smithson and Blacksmith", ["smith"])).toEqual([]);
  });

  it("makes short fragments around matches, at most 3, collapsing line breaks", () => {
    const filler = (n: number) => Array.from({ length: n }, (_, i) => `word${i}`).join(" ");
    const text = [
      filler(40),
      "metformin",
      filler(40),
      "metformin\n\nrefill",
      filler(40),
      "metformin",
      filler(40),
      "metformin",
      filler(10),
    ].join(" ");
    const fragments = highlight(text, ["metformin"]);
    expect(fragments).toHaveLength(3);
    for (const fragment of fragments) {
      expect(fragment).toContain("<em>metformin</em>");
      expect(fragment.replace(/<\/?em>/g, "").length).toBeLessThanOrEqual(125);
      expect(fragment).not.toMatch(/\n/);
      // fragments start and end on word boundaries
      expect(fragment).toMatch(/^(<em>)?[a-z]/);
      expect(fragment).toMatch(/[a-z0-9](<\/em>)?$/);
    }
    expect(fragments[1]).toContain("<em>metformin</em> refill");
  });

  it("puts several nearby matches in one fragment", () => {
    const fragments = highlight("Name: John Smith DOB 1961-07-04 MRN 4512. John Smith reports chest pain.", [
      "john",
      "smith",
    ]);
    expect(fragments).toEqual([
      "Name: <em>John</em> <em>Smith</em> DOB 1961-07-04 MRN 4512. <em>John</em> <em>Smith</em> reports chest pain.",
    ]);
  });

  it("keeps a match near the start or end of the text whole", () => {
    const long = "x ".repeat(200);
    expect(highlight(`Smith ${long}`, ["smith"])[0]).toMatch(/^<em>Smith<\/em> x x/);
    expect(highlight(`${long}end Smith`, ["smith"])[0]).toMatch(/x x end <em>Smith<\/em>$/);
  });

  it("says which page each fragment is on, and never runs a fragment across pages", () => {
    const text = ["Admission note for Jane Doe", "", "Doe was seen again\nfollow-up with Doe"].join("\f");
    expect(highlightWithPages(text, ["doe"], { fragmentSize: 200 })).toEqual([
      { text: "Admission note for Jane <em>Doe</em>", page: 1 },
      { text: "<em>Doe</em> was seen again follow-up with <em>Doe</em>", page: 3 },
    ]);
    const lastWordOfPage = highlightWithPages("first page ends with Doe\fsecond page text here", ["doe"]);
    expect(lastWordOfPage).toEqual([{ text: "first page ends with <em>Doe</em>", page: 1 }]);
  });

  it("returns nothing without terms or text", () => {
    expect(highlight("some text", [])).toEqual([]);
    expect(highlight("", ["smith"])).toEqual([]);
  });
});

describe("tokenize / normalizeTerm", () => {
  it("splits on whitespace and punctuation", () => {
    expect(tokenize("Smith, John  (MRN: 00-12)\nDOB")).toEqual(["Smith", "John", "MRN", "00", "12", "DOB"]);
    expect(normalizeTerm("Zoë")).toBe("zoe");
  });
});
