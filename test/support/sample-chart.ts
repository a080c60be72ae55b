import * as mupdf from "mupdf";

/**
 * Builds synthetic chart PDFs with known text (fictional patient), for the OCR benchmark and end-to-end
 * tests: nothing is read from disk or the network, and the expected words are known exactly.
 */

export const SAMPLE_CHART_HEADER = ["Patient Name: Jane Q Sample", "DOB: 03/14/1962", "MRN: 00123456"];

/** A full page of typical progress-note text, so OCR timings reflect a dense real page, not a blank one. */
export const SAMPLE_CHART_BODY = [
  "Date of Service: 11/02/2023   Sex: F",
  "Attending: Robert T Example, MD   Clinic: Internal Medicine",
  "Chief Complaint: Follow-up of hypertension and type 2 diabetes.",
  "History of Present Illness: Patient reports good adherence to medications.",
  "Denies chest pain, shortness of breath, headache or vision changes.",
  "Home glucose readings 110 to 145 mg/dL fasting. No hypoglycemic episodes.",
  "Vitals: BP 128/82  HR 76  Temp 98.4 F  RR 14  SpO2 98%  Wt 172 lb",
  "Allergies: Penicillin (rash). No known food allergies.",
  "Medications:",
  "  Lisinopril 20 mg PO daily",
  "  Metformin 1000 mg PO twice daily with meals",
  "  Atorvastatin 40 mg PO nightly",
  "  Aspirin 81 mg PO daily",
  "Labs (10/28/2023): HbA1c 7.1%  LDL 92 mg/dL  Creatinine 0.9 mg/dL",
  "Physical Exam: Alert and oriented. Lungs clear to auscultation bilaterally.",
  "Heart regular rate and rhythm, no murmurs. Extremities without edema.",
  "Monofilament sensation intact bilaterally. Pedal pulses 2+.",
  "Assessment:",
  "  1. Essential hypertension, controlled (I10)",
  "  2. Type 2 diabetes mellitus without complications (E11.9)",
  "  3. Hyperlipidemia (E78.5)",
  "Plan:",
  "  Continue current medications. Repeat HbA1c in 3 months.",
  "  Annual diabetic eye exam referral placed.",
  "  Return to clinic in 12 weeks or sooner if symptoms worsen.",
  "Electronically signed by Robert T Example, MD on 11/02/2023 16:42",
];

export interface SampleChartOptions {
  pages?: number;
  /** Lines per page (each page also gets a "Page n of N" footer). Default: header + body above. */
  lines?: string[];
  fontSize?: number;
}

/** PDF string literal escaping. */
const pdfString = (s: string) => `(${s.replace(/[\\()]/g, (c) => `\\${c}`)})`;

/** Returns the bytes of a Letter-size PDF with Helvetica text, `pages` pages long. */
export function makeSampleChartPdf(options: SampleChartOptions = {}): Uint8Array {
  const pages = options.pages ?? 1;
  const lines = options.lines ?? [...SAMPLE_CHART_HEADER, ...SAMPLE_CHART_BODY];
  const size = options.fontSize ?? 12;
  const doc = new mupdf.PDFDocument();
  const font = new mupdf.Font("Helvetica");
  try {
    const resources = doc.addObject({ Font: { F1: doc.addSimpleFont(font) } });
    for (let p = 1; p <= pages; p++) {
      const text = [...lines, "", `Page ${p} of ${pages}`];
      // TL sets the leading, T* moves to the next line: one text object, top margin 1 inch.
      const content = `BT /F1 ${size} Tf ${Math.round(size * 1.5)} TL 72 720 Td\n${text.map((l) => `${pdfString(l)} Tj T*`).join("\n")}\nET`;
      doc.insertPage(-1, doc.addPage([0, 0, 612, 792], 0, resources, content));
    }
    const buf = doc.saveToBuffer("compress");
    try {
      return buf.asUint8Array().slice(); // copy out of WASM memory before the buffer is freed
    } finally {
      buf.destroy();
    }
  } finally {
    font.destroy();
    doc.destroy();
  }
}
