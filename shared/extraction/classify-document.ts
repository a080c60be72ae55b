/**
 * Document type from page 1: a title line near the top decides; without one, the type whose keywords occur
 * most often on page 1 (at least two hits); otherwise "other".
 */
import type { DocumentType } from "../domain/document-types";
import type { DocModel, OcrLine } from "./model/document-model";

interface TypeRule {
  type: DocumentType;
  title: RegExp;
  keywords: readonly RegExp[];
  /** Keywords only vote for this type on a page that also says this (a health word, for generic forms). */
  requires?: RegExp;
}

/** Checked in this order for each title line, so the more specific titles win ("RADIOLOGY CONSULTATION"). */
const TYPE_RULES: readonly TypeRule[] = [
  {
    // Titles of papers that end up in a chart but are none of the types above: an immunization card, an
    // employment application. Said first, so their "First Name"/"Address" boxes do not vote for intake form.
    type: "other",
    title:
      /\b(?:vaccination|vaccine|immuni[sz]ation) (?:record|card|history)\b|\bemployment application\b|\bapplication for employment\b|\bjob application\b|\bverification of employment\b|\bemployment verification\b|\bcurriculum vitae\b|^r[eé]sum[eé]$|\bearnings statement\b|\bpay ?(?:stub|slip|statement)\b/i,
    // A pay stub's words: its "Marital Status" and address must not make it an intake form.
    keywords: [
      /\bgross pay\b/i,
      /\bnet pay\b/i,
      /\bearnings\b/i,
      /\bdeductions\b/i,
      /\byear to date\b|\bytd\b/i,
      /\bpay (?:period|date)\b/i,
    ],
  },
  {
    type: "insurance_claim",
    title:
      /health insurance claim form|\bcms[-\s]?1500\b|\bub[-\s]?04\b|\bcms[-\s]?1450\b|\bhcfa\b|\bclaim form\b/i,
    keywords: [
      /\binsured'?s\b/i,
      /\bpay[eo]r\b/i,
      // Remittances / explanations of benefits or payment ("EOB", "EOP") belong with the claim.
      /\bexplanation of (?:benefits|payment)\b|\bremittance\b|\beo[bp]\b/i,
      /\bnpi\b/i,
      /\bcpt\b|\bhcpcs\b/i,
      /\bbilling provider\b/i,
      /\bfederal tax i\.?d/i,
      /\bclaim\b/i,
    ],
  },
  {
    type: "authorization_form",
    title:
      /\bauthori[sz]ation\b|\brelease of (?:medical |health )?(?:information|records)\b|\bhipaa\b|\bconsent to (?:release|disclose)\b/i,
    keywords: [
      /\bauthori[sz]e\b/i,
      /\bdisclos/i,
      /\bprotected health information\b/i,
      /\brevoke\b/i,
      /\bexpir(?:e|ation)\b/i,
      /\brelease\b/i,
      /\bhipaa\b/i,
    ],
  },
  {
    type: "discharge_summary",
    title: /\bdischarge summary\b|\bdischarge (?:note|report)\b/i,
    keywords: [
      /\bhospital course\b/i,
      /\bdischarge diagnos[ie]s\b/i,
      /\bdischarge medications\b/i,
      /\bdischarge date\b|\bdate of discharge\b/i,
      /\bdischarge instructions\b/i,
      /\bcondition (?:at|on) discharge\b/i,
    ],
  },
  {
    type: "operative_report",
    title:
      /\boperative (?:report|note)\b|\bop(?:eration)? note\b|\bsurgical report\b|\bprocedure (?:report|note)\b/i,
    keywords: [
      /\bpre-?operative diagnosis\b/i,
      /\bpost-?operative diagnosis\b/i,
      /\bprocedure performed\b/i,
      /\banesthesia\b/i,
      /\bestimated blood loss\b|\bebl\b/i,
      /\bsurgeon\b/i,
      /\bspecimens?\b/i,
    ],
  },
  {
    type: "history_and_physical",
    title: /\bhistory (?:and|&) physical\b|\bh\s*&\s*p\b|\badmission history\b/i,
    keywords: [
      /\bhistory of present illness\b|\bhpi\b/i,
      /\bpast medical history\b/i,
      /\breview of systems\b/i,
      /\bphysical exam/i,
      /\bchief complaint\b/i,
      /\bsocial history\b/i,
      /\bfamily history\b/i,
    ],
  },
  {
    type: "radiology_report",
    title:
      /\bradiology\b|\bimaging report\b|\bx-?ray\b|\bmammogra|^(?:ct|cta|mri|mra|pet(?:\/ct)?|ultrasound|dexa|fluoroscopy)\b|\b(?:ct|mri) (?:scan|report|of)\b/i,
    keywords: [
      /\bimpression\b/i,
      /\bfindings\b/i,
      /\btechnique\b/i,
      /\bcomparison\b/i,
      /\bcontrast\b/i,
      /\bradiologist\b/i,
      /\bviews?\b/i,
    ],
  },
  {
    type: "consult_note",
    title: /\bconsult(?:ation)?(?: note| report)?\b/i,
    keywords: [
      /\breason for consult/i,
      /\bconsult(?:ation|ing)\b/i,
      /\breferred by\b|\breferring\b/i,
      /\bthank you for (?:the|this) (?:referral|consult)/i,
      /\brecommendations\b/i,
    ],
  },
  {
    type: "progress_note",
    title:
      /\bprogress notes?\b|\bsoap note\b|^soap\b|\bfollow[- ]up (?:note|visit)\b|\bclinic note\b|\boffice (?:note|visit)\b|\bvisit notes?\b|\b(?:medical|patient) progress\b/i,
    keywords: [
      /\bsubjective\b/i,
      /\bobjective\b/i,
      /\bassessment\b/i,
      /\bplan\b/i,
      /\binterval history\b/i,
      /\bfollow[- ]up\b/i,
    ],
  },
  {
    type: "lab_report",
    title:
      /\blaboratory\b|\blab(?:oratory)? (?:results?|report)\b|\bpathology report\b|\bcumulative report\b/i,
    keywords: [
      /\breference (?:range|interval)\b/i,
      /\bspecimen\b/i,
      /\bcollect(?:ed|ion)\b/i,
      /\bresults?\b/i,
      /\bunits\b/i,
      /\bflag\b/i,
      /\bnormal range\b/i,
    ],
  },
  {
    type: "medication_list",
    title:
      /\bmedication (?:list|record|profile|reconciliation)\b|\bmedications? list\b|\blist of (?:current )?medications\b/i,
    keywords: [
      /\bmedications?\b/i,
      /\bdose\b|\bdosage\b/i,
      /\bfrequency\b/i,
      /\bsig\b/i,
      /\brefills?\b/i,
      /\bprescriber\b/i,
    ],
  },
  {
    type: "patient_intake_form",
    title:
      /\bpatient intake\b|\bpatient information\b|\bnew patient\b|\bintake form\b|\b(?:patient )?registration form\b|\bpatient demographics\b|\b(?:medical|health|patient) history (?:form|questionnaire)\b/i,
    keywords: [
      /\bemergency contact\b/i,
      /\bmarital status\b/i,
      /\bfirst name\b/i,
      /\blast name\b/i,
      /\binsurance\b/i,
      /\baddress\b/i,
      /\bphone\b/i,
    ],
    // Names, address and phone boxes are on every application form (energy assistance, employment
    // verification): an intake form is one that is about care.
    requires:
      /\bpatient\b|\bmedical\b|\bphysician\b|\bdoctor\b|\ballerg|\bmedications?\b|\bsymptoms?\b|\bpharmacy\b|\bclinic\b|\bhospital\b/i,
  },
];

/** Short lines near the top of page 1 that are not "Label: value" field lines. */
function titleLines(lines: readonly OcrLine[]): OcrLine[] {
  return lines
    .slice(0, 20)
    .filter((l) => l.box.top <= 0.45)
    .filter((l) => {
      const text = l.text.trim();
      return text.split(/\s+/).length <= 10 && !/:\s*\S/.test(text);
    });
}

/** The document type a title names ("DISCHARGE SUMMARY" → discharge_summary), if it is a known title. */
export function titleTypeOf(title: string): DocumentType | undefined {
  const text = title.trim().replace(/[:\s]+$/, "");
  return TYPE_RULES.find((r) => r.title.test(text))?.type;
}

export function classifyModel(model: DocModel): DocumentType {
  const page = model.pages[0];
  if (!page) return "other";
  for (const line of titleLines(page.lines)) {
    const type = titleTypeOf(line.text);
    if (type) return type;
  }
  const text = page.lines.map((l) => l.text).join("\n");
  let best: { type: DocumentType; hits: number } = { type: "other", hits: 0 };
  for (const rule of TYPE_RULES) {
    if (rule.requires && !rule.requires.test(text)) continue;
    const hits = rule.keywords.filter((k) => k.test(text)).length;
    if (hits > best.hits) best = { type: rule.type, hits };
  }
  return best.hits >= 2 ? best.type : "other";
}
