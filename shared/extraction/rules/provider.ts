/** The clinician responsible for the document. */
import { isNameParticle, normalizeProviderName } from "../normalize/names";
import type { OcrLine } from "../model/document-model";
import type { Token } from "../model/tokens";
import { takeWhile, type FieldRule, type ParsedValue, type RuleContext } from "./types";

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
    // One capitalized word running on into lower-case words is a sentence, not a name ("Medications
    // Prescribed: Therapeutic trial of Inderal…" read through a misspelled "Prescriber:" label).
    const next = tokens[used.length];
    if (used.length === 1 && next && isProseWord(next.text)) return undefined;
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

const CLOSING =
  /^(?:sincerely|respectfully|regards|best regards|kind regards|warm regards|yours (?:truly|sincerely)|cordially|thank you)[,.]?$/i;
const SIGNATURE_FOLLOWS = /\b(?:NPI|signed|signature|electronically)\b/i;
const TITLED = /^(?:dr\.?\s|doctor\s)|,\s*[A-Z][A-Za-z-]{1,5}\.?$/;

/**
 * The typed name of a signature block, unlabeled: a line that is only a provider's name with "Dr." or a
 * credential ("Dr. Naomi Sato, DO"), under a closing ("Sincerely,") within three lines (a scrawled signature
 * may sit between), or right above an NPI / "Signed …" line.
 */
export function signatureBlockProviders(lines: readonly OcrLine[], ctx: RuleContext): ParsedValue[] {
  const out: ParsedValue[] = [];
  lines.forEach((line, i) => {
    const text = line.text.trim();
    if (!TITLED.test(text)) return;
    const samePage = (l: OcrLine | undefined) => l !== undefined && l.page === line.page;
    const afterClosing = lines
      .slice(Math.max(0, i - 3), i)
      .some((l) => samePage(l) && CLOSING.test(l.text.trim()));
    const next = lines[i + 1];
    const aboveSignature = samePage(next) && SIGNATURE_FOLLOWS.test((next as OcrLine).text);
    if (!afterClosing && !aboveSignature) return;
    const parsed = providerRule.parse(line.tokens, ctx);
    // The whole line must be the name: a sentence that starts with "Dr. Lee" is not a signature.
    if (parsed && parsed.tokens.length === line.tokens.length) out.push(parsed);
  });
  return out;
}
