import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ExtractInputError, parseTextractJson, toExtractOutput } from "../../../local/cli/commands/extract";
import type { ExtractionResult } from "../../../shared/domain/fields";
import { extractDocument } from "../../support/extraction";
import type { TextractBlock, TextractDocument } from "../../../shared/ocr/textract-blocks";

const ROOT = resolve(import.meta.dirname, "../../..");
const INTAKE_FIXTURE = "test/fixtures/textract/patient_intake_form_sample.json";

function block(id: string, type: TextractBlock["BlockType"], page: number, text?: string): TextractBlock {
  return {
    Id: id,
    BlockType: type,
    Page: page,
    Text: text,
    Confidence: 99,
    Geometry: { BoundingBox: { Left: 0.1, Top: 0.1, Width: 0.5, Height: 0.02 } },
  };
}

/** The keys `extract --json` prints, in order (README "CLI"). */
const OUTPUT_KEYS = ["documentType", "pageCount", "fields", "diagnoses", "medications", "allergies"];

describe("parseTextractJson", () => {
  it("accepts a single Analyze/Get response as-is", () => {
    const raw = readFileSync(join(ROOT, INTAKE_FIXTURE), "utf8");
    const original = JSON.parse(raw) as TextractDocument;
    const doc = parseTextractJson(raw);
    expect(doc.Blocks).toEqual(original.Blocks);
    expect(doc.DocumentMetadata).toEqual({ Pages: 1 });
    expect(doc.AnalyzeDocumentModelVersion).toBe(original.AnalyzeDocumentModelVersion);
  });

  it("merges an array of Get… result pages into one document, blocks in order", () => {
    const pages = [
      {
        JobStatus: "SUCCEEDED",
        DetectDocumentTextModelVersion: "1.0",
        DocumentMetadata: { Pages: 2 },
        NextToken: "page-2",
        Blocks: [block("p1", "PAGE", 1), block("l1", "LINE", 1, "Patient: Jane Doe")],
      },
      {
        JobStatus: "SUCCEEDED",
        DocumentMetadata: { Pages: 2 },
        Blocks: [block("p2", "PAGE", 2), block("l2", "LINE", 2, "DOB: 03/14/1962")],
      },
    ];
    const doc = parseTextractJson(JSON.stringify(pages));
    expect(doc.Blocks.map((b) => b.Id)).toEqual(["p1", "l1", "p2", "l2"]);
    expect(doc.DocumentMetadata).toEqual({ Pages: 2 });
    expect(doc.JobStatus).toBe("SUCCEEDED");
  });

  it("counts pages from PAGE blocks when DocumentMetadata is missing", () => {
    const doc = parseTextractJson(
      JSON.stringify([
        { Blocks: [block("p1", "PAGE", 1), block("p2", "PAGE", 2)] },
        { Blocks: [block("p3", "PAGE", 3)] },
      ]),
    );
    expect(doc.DocumentMetadata.Pages).toBe(3);
  });

  it("extracts the same result from a response split into Get… pages as from the whole response", () => {
    const whole = JSON.parse(readFileSync(join(ROOT, INTAKE_FIXTURE), "utf8")) as TextractDocument;
    const half = Math.ceil(whole.Blocks.length / 2);
    const split = [
      { DocumentMetadata: whole.DocumentMetadata, Blocks: whole.Blocks.slice(0, half), NextToken: "t" },
      { DocumentMetadata: whole.DocumentMetadata, Blocks: whole.Blocks.slice(half) },
    ];
    expect(extractDocument(parseTextractJson(JSON.stringify(split)))).toEqual(extractDocument(whole));
  });

  it.each([
    [
      "a response without Blocks",
      JSON.stringify({ DocumentMetadata: { Pages: 1 }, JobStatus: "IN_PROGRESS" }),
    ],
    ["a response with empty Blocks", JSON.stringify({ DocumentMetadata: { Pages: 1 }, Blocks: [] })],
    ["an empty array", "[]"],
    ["an array of pages without Blocks", JSON.stringify([{ JobStatus: "FAILED" }, { JobStatus: "FAILED" }])],
  ])("throws ExtractInputError for %s", (_what, raw) => {
    expect(() => parseTextractJson(raw)).toThrow(ExtractInputError);
    expect(() => parseTextractJson(raw)).toThrow(/no Blocks/);
  });

  it.each(["null", "[null]", '{"Blocks": "nope"}', "[[1]]"])(
    "throws ExtractInputError for the non-response %s",
    (raw) => {
      expect(() => parseTextractJson(raw)).toThrow(ExtractInputError);
    },
  );

  it("throws ExtractInputError for invalid JSON", () => {
    expect(() => parseTextractJson("{ not json")).toThrow(ExtractInputError);
    expect(() => parseTextractJson("{ not json")).toThrow(/not valid JSON/);
  });
});

describe("toExtractOutput", () => {
  const bbox = { left: 0.1, top: 0.2, width: 0.3, height: 0.04 };
  const result: ExtractionResult = {
    documentType: "discharge_summary",
    pageCount: 3,
    fields: {
      patientName: { value: "Jane Doe", confidence: 0.97, page: 1, bbox },
      dateOfBirth: { value: "1962-03-14", confidence: 0.95, page: 1, bbox },
    },
    diagnoses: [
      { text: "Type 2 diabetes mellitus", code: "E11.9", page: 2 },
      { text: "Chest pain, unspecified", page: 2 },
    ],
    medications: [{ text: "Metformin 500 mg PO BID", page: 3 }],
    allergies: [{ text: "Penicillin (hives)", page: 1 }],
  };

  it("prints exactly the documented keys, with list items reduced to text (and code when present)", () => {
    const out = toExtractOutput(result);
    expect(Object.keys(out)).toEqual(OUTPUT_KEYS);
    expect(out).toStrictEqual({
      documentType: "discharge_summary",
      pageCount: 3,
      fields: result.fields,
      diagnoses: [{ text: "Type 2 diabetes mellitus", code: "E11.9" }, { text: "Chest pain, unspecified" }],
      medications: [{ text: "Metformin 500 mg PO BID" }],
      allergies: [{ text: "Penicillin (hives)" }],
    });
    expect(JSON.parse(JSON.stringify(out.diagnoses[1]))).toEqual({ text: "Chest pain, unspecified" });
    expect(Object.keys(out.diagnoses[1]!)).toEqual(["text"]);
  });

  it("keeps empty lists as empty arrays", () => {
    const out = toExtractOutput({ ...result, fields: {}, diagnoses: [], medications: [], allergies: [] });
    expect(out).toStrictEqual({
      documentType: "discharge_summary",
      pageCount: 3,
      fields: {},
      diagnoses: [],
      medications: [],
      allergies: [],
    });
  });
});

describe.concurrent("chartbridge extract (real CLI)", () => {
  const run = promisify(execFile);
  const cli = (...args: string[]) =>
    run("node", ["bin/chartbridge.js", "extract", ...args], { cwd: ROOT, timeout: 60_000 });

  it("prints exactly one JSON object for a saved Textract response", async () => {
    const { stdout } = await cli("--textract-json", INTAKE_FIXTURE, "--json");
    const output = JSON.parse(stdout) as ReturnType<typeof toExtractOutput>;
    expect(typeof output).toBe("object");
    expect(Array.isArray(output)).toBe(false);
    expect(output.documentType).toBe("patient_intake_form");
    expect(output.fields.dateOfBirth?.value).toBe("1982-10-10");
    expect(Object.keys(output)).toEqual(OUTPUT_KEYS);
  }, 60_000);

  it("refuses a file that is not a scan: non-zero exit, UNSUPPORTED_TYPE on stderr, nothing on stdout", async () => {
    const dir = mkdtempSync(join(tmpdir(), "chartbridge-extract-"));
    try {
      const file = join(dir, "hello.pdf");
      writeFileSync(file, "hello");
      const failure = await cli(file, "--json").then(
        () => undefined,
        (err: unknown) => err as { code?: number; stdout: string; stderr: string },
      );
      expect(failure).toBeDefined();
      expect(failure!.code).not.toBe(0);
      expect(typeof failure!.code).toBe("number");
      expect(failure!.stderr).toContain("UNSUPPORTED_TYPE");
      expect(failure!.stdout).toBe("");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
