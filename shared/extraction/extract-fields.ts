/**
 * Field extraction: every rule proposes candidates from every source (field-sources/: same-line label, label
 * with the value on the next line, FORMS key/value pairs, two-column table rows, QUERIES answers; the
 * letterhead and signature rules); candidates about someone other than the patient are dropped; first/last
 * name parts are composed; the best candidate per field wins (select-fields.ts).
 */
import type { BoundingBox, ExtractedFields } from "../domain/fields";
import { candidate } from "./field-sources/candidate";
import { keyValueCandidates, tableCandidates } from "./field-sources/forms";
import { identityBlockName, lineCandidates, memberCardName, runningHeaderName } from "./field-sources/lines";
import { queryCandidates } from "./field-sources/queries";
import { unionBoxes } from "./model/geometry";
import type { DocModel, OcrLine } from "./model/document-model";
import { normalizePatientName } from "./normalize/names";
import { letterheadCandidates, RULES_BY_TARGET } from "./rules";
import { dateOfServiceRule, signatureDates } from "./rules/dates";
import { providerRule, signatureBlockProviders } from "./rules/provider";
import { CERTAINTY, type Candidate, type RuleContext } from "./rules/types";
import { selectFields } from "./select-fields";

export interface ExtractFieldsOptions {
  /**
   * The paper shows no sign of being a chart (classified `other`): a name under a caption that does not say
   * whose it is ("Full Name:", "Name", or composed from bare "First Name" / "Last Name" captions: a résumé's,
   * a job application's) is someone's, not known to be a patient's, and is reviewed unless the document
   * names the patient under a patient's caption too.
   */
  notAChart?: boolean;
}

export function extractFields(ctx: RuleContext, options: ExtractFieldsOptions = {}): ExtractedFields {
  const candidates = collectCandidates(ctx);
  if (!options.notAChart) return selectFields(candidates);
  const whoseUnsaid = (c: Candidate) =>
    c.source === "composite" || (c.target === "patientName" && c.whoseUnsaid === true);
  return selectFields(candidates.map((c) => (whoseUnsaid(c) ? { ...c, repaired: true } : c)));
}

/** All candidates, after dropping non-patient ones and composing names (the splitter reads page headers with it). */
export function collectCandidates(ctx: RuleContext): Candidate[] {
  const { model } = ctx;
  const firstPage = model.pages[0];
  const raw: Candidate[] = [];
  for (const page of model.pages) {
    for (const line of page.lines) {
      raw.push(...lineCandidates(line, page, firstPage, ctx));
      const unlabeledName = runningHeaderName(line, ctx.labels) ?? identityBlockName(line, page, ctx.labels);
      if (unlabeledName) raw.push(unlabeledName);
      const memberName = memberCardName(line, page, ctx.labels);
      if (memberName) raw.push(memberName);
    }
    raw.push(...keyValueCandidates(page, ctx));
    raw.push(...tableCandidates(page, ctx));
    raw.push(...queryCandidates(page, ctx));
  }
  if (firstPage) raw.push(...letterheadCandidates(firstPage.lines));
  // An inpatient stay is dated by its admission and discharge dates, not by when its summary was signed.
  const stay = raw.some((c) => c.target === "admissionDate" || c.target === "dischargeDate");
  for (const signed of stay ? [] : signatureDates(model.lines, ctx)) {
    raw.push(candidate(dateOfServiceRule, signed, CERTAINTY.signatureDate, "signature"));
  }
  for (const signer of signatureBlockProviders(model.lines, ctx)) {
    raw.push(candidate(providerRule, signer, CERTAINTY.signatureBlock, "signature"));
  }
  const scoped = raw.filter(
    (c) => !(RULES_BY_TARGET.get(c.target)?.patientScoped && inNonPatientContext(c, model)),
  );
  const composed = composeNames(scoped);
  return [...demoteReorderedQueryNames(scoped, composed), ...composed];
}

/**
 * A QUERIES answer for the patient name is free text in reading order ("Mary Major"); when captioned
 * first/last name fields on the same page hold the same words in another order, the captions say which word
 * is which, so the query's ordering is demoted below the composed name (never dropped: it still checks).
 */
function demoteReorderedQueryNames(candidates: Candidate[], composed: readonly Candidate[]): Candidate[] {
  const words = (v: string) => v.toLowerCase().replace(/[,.]/g, " ").split(/\s+/).filter(Boolean);
  const sameWords = (a: string[], b: string[]) =>
    a.length === b.length && [...a].sort().join(" ") === [...b].sort().join(" ");
  return candidates.map((c) => {
    if (c.target !== "patientName" || c.source !== "query") return c;
    const q = words(c.value);
    const reordered = composed.some((k) => {
      if (k.page !== c.page) return false;
      const kw = words(k.value);
      const full = kw.length >= 2 ? kw : [];
      const noMiddle = kw.length >= 3 ? [kw[0] as string, kw[kw.length - 1] as string] : full;
      return [full, noMiddle].some((w) => w.length >= 2 && sameWords(w, q) && w.join(" ") !== q.join(" "));
    });
    return reordered ? { ...c, certainty: c.certainty * 0.9 } : c;
  });
}

const NON_PATIENT_SECTION =
  /^(?:emergency\b|in case of emergency|next of kin|guarantor|responsible party|insured|subscriber|policy ?holder|policy ?owner|spouse|guardian|parent|mother|father|employer|person to notify|contact person|referring|primary care|applicant|employee\b|employment\b)/i;
/** "Patient information"; a claim form's "Who is this claim for?" heads the patient's own section too. */
const PATIENT_SECTION =
  /^(?:patient\b|who is (?:this|the) claim for\b|person receiving (?:the )?(?:treatment|care|services)\b)/i;

const MAX_HEADING_WORDS = 8;

/** A heading without its section number or a mark OCR made of one: "(2) Policy owner details", "© Who is…". */
const sectionHeading = (line: OcrLine) =>
  line.text
    .trim()
    .replace(/^[^\p{L}\d(]+/u, "")
    .replace(/^(?:\(\d{1,2}\)|\d{1,2}[.)])\s*/, "");

/** Is the candidate under an "Emergency Contact"/"Guarantor"/… heading (nearest section marker above it)? */
function inNonPatientContext(c: Candidate, model: DocModel): boolean {
  const page = model.pages.find((p) => p.number === c.page);
  if (!page) return false;
  let nearest: OcrLine | undefined;
  for (const line of page.lines) {
    if (line.box.top >= c.box.top - line.box.height * 0.3) continue;
    if (c.box.left < line.box.left - 0.1) continue;
    const text = sectionHeading(line);
    // A heading is short: "Policy owner (go straight to step 4) policy - please complete below" is an answer.
    if (text.split(/\s+/).length > MAX_HEADING_WORDS) continue;
    if (!NON_PATIENT_SECTION.test(text) && !PATIENT_SECTION.test(text)) continue;
    if (!nearest || line.box.top > nearest.box.top) nearest = line;
  }
  return nearest ? NON_PATIENT_SECTION.test(sectionHeading(nearest)) : false;
}

/** "First Name: Jane" + "Last Name: Doe" (+ middle) on the same page and rows → patientName "Jane Doe". */
function composeNames(candidates: readonly Candidate[]): Candidate[] {
  const given = candidates.filter((c) => c.target === "givenName");
  const family = candidates.filter((c) => c.target === "familyName");
  const middle = candidates.filter((c) => c.target === "middleName");
  // The part on the same row; of two readings of it (a form field and the caption under it), the surer.
  const near = (a: Candidate, pool: readonly Candidate[]) =>
    pool
      .filter((b) => b.page === a.page && Math.abs(b.box.top - a.box.top) < 0.06)
      .sort(
        (x, y) =>
          y.certainty * y.ocr - x.certainty * x.ocr || distance(a.box, x.box) - distance(a.box, y.box),
      )[0];
  const out: Candidate[] = [];
  for (const g of given) {
    const f = near(g, family);
    if (!f) continue;
    const m = near(g, middle);
    const parts = m ? [g, m, f] : [g, f];
    const value = normalizePatientName(parts.map((p) => p.value).join(" "));
    if (!value) continue;
    out.push({
      target: "patientName",
      value,
      certainty: Math.min(...parts.map((p) => p.certainty)),
      ocr: Math.min(...parts.map((p) => p.ocr)),
      page: g.page,
      box: unionBoxes(parts.map((p) => p.box)),
      source: "composite",
    });
  }
  return out;
}

function distance(a: BoundingBox, b: BoundingBox): number {
  return Math.abs(a.top - b.top) * 10 + Math.abs(a.left - b.left);
}
