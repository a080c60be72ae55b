import { readFileSync } from "node:fs";
import type { ExtractionResult } from "../../../shared/domain/fields";
import { recognizeDocument } from "../../../shared/adapters/local-ocr/local-ocr";
import { createOcrPool, parseOcrEngine } from "../../../shared/adapters/local-ocr/recognizer-pools";
import { buildModel, extractPart } from "../../../shared/extraction";
import { validateUpload } from "../../../shared/intake/validate-upload";
import { REASON_CODES } from "../../../shared/domain/status";
import type { TextractDocument } from "../../../shared/ocr/textract-blocks";

export class ExtractInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ExtractInputError";
  }
}

/** Accepts a saved Textract response: one Get…/Analyze… response, or an array of Get… result pages. */
export function parseTextractJson(raw: string): TextractDocument {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ExtractInputError("The Textract JSON file is not valid JSON");
  }
  const pages = (Array.isArray(json) ? json : [json]) as unknown[];
  if (
    !pages.every(
      (p): p is Partial<TextractDocument> => typeof p === "object" && p !== null && !Array.isArray(p),
    )
  ) {
    throw new ExtractInputError("The Textract JSON must be a response object or an array of them");
  }
  if (!pages.every((p) => p.Blocks === undefined || Array.isArray(p.Blocks))) {
    throw new ExtractInputError("The Textract JSON has a Blocks value that is not a list");
  }
  const blocks = pages.flatMap((p) => p.Blocks ?? []);
  if (blocks.length === 0) throw new ExtractInputError("The Textract JSON has no Blocks");
  const pageCount = Math.max(
    ...pages.map((p) => p.DocumentMetadata?.Pages ?? 0),
    ...blocks.filter((b) => b.BlockType === "PAGE").map((b) => b.Page ?? 1),
  );
  return { ...pages[0], DocumentMetadata: { Pages: pageCount }, Blocks: blocks };
}

/** The `extract --json` output: exactly the documented shape. */
export function toExtractOutput(result: ExtractionResult) {
  return {
    documentType: result.documentType,
    pageCount: result.pageCount,
    fields: result.fields,
    diagnoses: result.diagnoses.map((d) => (d.code ? { text: d.text, code: d.code } : { text: d.text })),
    medications: result.medications.map((m) => ({ text: m.text })),
    allergies: result.allergies.map((a) => ({ text: a.text })),
  };
}

/** `chartbridge extract`: OCR + extraction in-process, no services. */
export async function extractCommand(
  file: string | undefined,
  opts: { textractJson?: string; json: boolean; workers?: number },
): Promise<number> {
  let doc: TextractDocument;
  if (opts.textractJson) {
    doc = parseTextractJson(readFileSync(opts.textractJson, "utf8"));
  } else {
    if (!file) throw new ExtractInputError("Give a scan file, or --textract-json FILE");
    const bytes = readFileSync(file);
    const validation = await validateUpload(bytes);
    if (!validation.ok) {
      throw new ExtractInputError(`${validation.reasonCode}: ${REASON_CODES[validation.reasonCode]}`);
    }
    const pool = createOcrPool({
      ...(opts.workers ? { size: opts.workers } : {}),
      engine: parseOcrEngine(process.env.CHARTBRIDGE_OCR_ENGINE),
    });
    try {
      doc = await recognizeDocument(bytes, { pool });
    } finally {
      await pool.terminate();
    }
  }
  const output = toExtractOutput(extractPart(buildModel(doc)));
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
  } else {
    console.log(`Document type: ${output.documentType}   pages: ${output.pageCount}`);
    for (const [name, f] of Object.entries(output.fields)) {
      console.log(`  ${name.padEnd(14)} ${f.value}  (confidence ${f.confidence.toFixed(2)}, page ${f.page})`);
    }
    if (output.diagnoses.length)
      console.log(`  diagnoses:   ${output.diagnoses.map((d) => d.code ?? d.text).join("; ")}`);
    if (output.medications.length)
      console.log(`  medications: ${output.medications.map((m) => m.text).join("; ")}`);
    if (output.allergies.length)
      console.log(`  allergies:   ${output.allergies.map((a) => a.text).join("; ")}`);
  }
  return 0;
}
