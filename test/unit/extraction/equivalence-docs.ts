/** Documents the speed work is checked on: every saved Textract fixture and synthetic multi-page stacks. */
import { readdirSync, readFileSync } from "node:fs";
import { repeatToPages } from "../../../bench/accuracy/textract-tools";
import type { TextractDocument } from "../../../shared/ocr/textract-blocks";
import { buildDoc, page, type PageSpec } from "./build-blocks";

const FIXTURES = new URL("../../fixtures/textract/", import.meta.url);

export const loadFixture = (name: string): TextractDocument =>
  JSON.parse(readFileSync(new URL(name, FIXTURES), "utf8")) as TextractDocument;

export const fixtureNames = readdirSync(FIXTURES)
  .filter((f) => f.endsWith(".json"))
  .sort();

const DETECT_ONLY = new Set(["PAGE", "LINE", "WORD"]);

/** Synthetic multi-page documents: repeated real pages, and hand-built stacks with the awkward shapes. */
export function syntheticDocs(): Record<string, TextractDocument> {
  const all = fixtureNames.map(loadFixture);
  const detect = all.filter((d) => d.Blocks.every((b) => DETECT_ONLY.has(b.BlockType)));
  const stack: PageSpec[] = [
    page(
      { text: "DISCHARGE SUMMARY", height: 0.025 },
      "Patient: John Smith      DOB: 03/14/1962      MRN: 00123",
      "Admission Date: 05/01/2024      Discharge Date: 05/05/2024",
      "DISCHARGE DIAGNOSES:",
      "1. Chest pain, noncardiac",
      "2. Hypertension",
      "DISCHARGE MEDICATIONS:",
      "Lisinopril 10 mg PO daily",
      "Allergies: Penicillin (rash)",
      { text: "Page 1 of 2", y: 0.95 },
    ),
    page("Smith, John   MRN: 00123   Page 2 of 2", "Follow up with PCP in 1 week.", {
      text: "Page 2 of 2",
      y: 0.95,
    }),
    page("SEPARATOR SHEET"),
    {
      lines: [
        { text: "PROGRESS NOTE", height: 0.025 },
        { text: "Patient: Jane Doe      DOB: 07/02/1975", kv: true },
        { text: "Date of Service: 06/02/2024", kv: true },
        "Assessment: stable",
      ],
      tables: [
        {
          y: 0.5,
          rows: [
            ["Medication", "Dose"],
            ["Metformin", "500 mg"],
          ],
        },
      ],
      queries: [{ text: "What is the patient's MRN?", alias: "MRN", answer: "00987", confidence: 88 }],
    },
    page("MEDICATION LIST", "Patient: Jane Doe", "Aspirin 81 mg daily"),
  ];
  const noPageField = buildDoc(stack, { omitPageField: true });
  const noPolygon = buildDoc(stack, { omitPolygon: true });
  // Producers that emit every PAGE block first, then the content (regrouped by the Page field).
  const pagesFirst = buildDoc(stack);
  pagesFirst.Blocks = [
    ...pagesFirst.Blocks.filter((b) => b.BlockType === "PAGE"),
    ...pagesFirst.Blocks.filter((b) => b.BlockType !== "PAGE"),
  ];
  // LINE blocks without WORD children (synthetic tokens), one page without a PAGE block.
  const noWords = buildDoc(stack);
  noWords.Blocks = noWords.Blocks.filter(
    (b) => b.BlockType !== "WORD" && !(b.BlockType === "PAGE" && b.Page === 2),
  );
  return {
    "repeat-all-40": repeatToPages(all, 40),
    "repeat-detect-25": repeatToPages(detect, 25),
    "stack-no-page-field": noPageField,
    "stack-no-polygon": noPolygon,
    "stack-pages-first": pagesFirst,
    "stack-no-words": noWords,
  };
}
