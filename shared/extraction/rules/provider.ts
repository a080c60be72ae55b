/** The clinician responsible for the document. */
import { isNameParticle, normalizeProviderName } from "../normalize/names";
import type { Token } from "../model/tokens";
import { takeWhile, type FieldRule } from "./types";

export const providerRule: FieldRule = {
  target: "provider",
  labels: [
    { text: "Attending Physician" },
    { text: "Attending Provider" },
    { text: "Attending Doctor" },
    { text: "Attending", generic: true },
    { text: "Provider", generic: true },
    { text: "Rendering Provider" },
    { text: "Treating Physician" },
    { text: "Physician", generic: true },
    { text: "Doctor", generic: true, weight: 0.95 },
    { text: "Dictated by" },
    { text: "Seen by", generic: true },
    { text: "Admitting MD" },
    { text: "Admitting Physician" },
    { text: "Prescriber", generic: true, weight: 0.95 },
    { text: "Prescribing Physician" },
    { text: "Dictating Physician" },
    { text: "Surgeon", generic: true },
    { text: "Primary Surgeon" },
    { text: "Consultant", generic: true, weight: 0.95 },
    { text: "Consulting Physician" },
    { text: "Radiologist", generic: true, weight: 0.95 },
    { text: "Electronically Signed by", weight: 0.9 },
    // Whoever ordered or referred is a provider on the chart, but weaker evidence of who saw the patient.
    { text: "Ordering Physician", weight: 0.9 },
    { text: "Ordering Provider", weight: 0.9 },
    { text: "Ordered By", generic: true, weight: 0.9 },
    { text: "Referring Physician", weight: 0.85 },
    { text: "Referring Provider", weight: 0.85 },
    { text: "Referring", generic: true, weight: 0.85 },
  ],
  parse(tokens: readonly Token[]) {
    // Names with credentials: "Robert Smith, MD", "Dr. Ann Lee". Stop at digits (dates, phone numbers).
    // A lower-case word that is not a name particle ends the name: "Dr. Ann Lee, MD on 03/01/2024".
    const used = takeWhile(
      tokens,
      (t, i) => i < 8 && !/[\d()[\]@/\\|]/.test(t.text) && !(i > 0 && isProseWord(t.text)),
    );
    const value = normalizeProviderName(used.map((t) => t.text).join(" "));
    return value ? { value, tokens: used } : undefined;
  },
  query: {
    alias: /^(?:PROVIDER|ATTENDING|PHYSICIAN|DOCTOR)(?:_?NAME)?$/i,
    question: /\b(?:attending|provider|physician|doctor)\b/i,
  },
};

/** "on", "at", "signed"… after a name: a lower-case word that is not a name particle ("van", "de"). */
function isProseWord(text: string): boolean {
  const bare = text.replace(/[,.;:]+$/, "");
  return /^\p{Ll}/u.test(bare) && !isNameParticle(bare);
}
