/** Record identifiers: the MRN. ("Account #", "Visit #", "FIN"… are delimiters, never an MRN.) */
import { normalizeMrn } from "../normalize/mrn";
import type { FieldRule } from "./types";

export const mrnRule: FieldRule = {
  target: "mrn",
  labels: [
    { text: "MRN" },
    { text: "MRN #" },
    { text: "MRN No" },
    { text: "MR #" },
    { text: "MR No" },
    { text: "Med Rec #" },
    { text: "Med Rec No" },
    { text: "Med Rec Number" },
    { text: "Med. Rec. #" },
    { text: "Medical Record #" },
    { text: "Medical Record No" },
    { text: "Medical Record No." },
    { text: "Medical Record Number" },
    { text: "Medical Record", weight: 0.9 },
    { text: "Chart #" },
    { text: "Chart No" },
    { text: "Chart Number" },
    { text: "Patient ID", weight: 0.85 },
    // "Provider's Pt ID: 00988277891" on a discharge summary: the practice's own id for the patient (a
    // provider's name or phone is someone else's: "providers" before other labels stays a foreign qualifier).
    { text: "Pt ID", weight: 0.85 },
    { text: "Pt. ID", weight: 0.85 },
    { text: "Provider's Pt ID", weight: 0.9 },
    { text: "Provider's Patient ID", weight: 0.9 },
    { text: "Patient #", weight: 0.85 },
    // "Patient number (medical record or IIS record number)" on immunization cards: an MRN-like id, weaker.
    { text: "Patient Number", weight: 0.85 },
    { text: "Patient No", weight: 0.85 },
    { text: "Patient No.", weight: 0.85 },
    // "MRN:" as OCR often misreads it (R→A); only as a label ("MAN:"), and below the review threshold.
    { text: "MAN", generic: true, weight: 0.8 },
  ],
  parse(tokens) {
    const window = tokens.slice(0, 4);
    const found = normalizeMrn(window.map((t) => t.text));
    if (!found) return undefined;
    const used = window.slice(0, found.count);
    return found.repaired
      ? { value: found.value, tokens: used, repaired: true }
      : { value: found.value, tokens: used };
  },
  query: {
    alias: /^(?:MRN|MEDICAL_?RECORD_?(?:NUMBER|NO)?|CHART_?(?:NUMBER|NO))$/i,
    question: /\b(?:mrn|medical record (?:number|no\.?|#)|chart (?:number|#))\b/i,
  },
};
