/** Patient identity words: full name, name parts (composed into a full name), sex. */
import { FORM_CAPTION_WORDS } from "../label-words";
import type { LabelDef } from "../labels";
import { normalizePatientName } from "../normalize/names";
import { misreadSex, normalizeSex } from "../normalize/sex";
import { right, unionBoxes } from "../model/geometry";
import { isUnsureMark, type Token } from "../model/tokens";
import { takeWhile, type FieldRule, type ParsedValue } from "./types";

const PATIENT_NAME_LABELS: readonly LabelDef[] = [
  { text: "Patient Name" },
  { text: "Patient's Name" },
  { text: "Patient Full Name" },
  { text: "Name of Patient" },
  // Under a signature line: the patient's or a representative's name, so weaker.
  { text: "Printed Name of Patient", weight: 0.9 },
  { text: "Pt Name" },
  { text: "Pt. Name" },
  { text: "Patient", generic: true },
  { text: "Pt", generic: true, weight: 0.95 },
  // Bare "Name:" may be anyone's name (a contact, the provider): weaker than a patient-specific label.
  { text: "Name", generic: true, weight: 0.85, whoseUnsaid: true },
  // A letter's subject line names the patient it is about ("RE: Carson Ernser"); only with its colon.
  { text: "RE", generic: true, weight: 0.85, whoseUnsaid: true },
  { text: "Regarding", generic: true, weight: 0.85, whoseUnsaid: true },
];

const isNameWord = (t: Token | undefined) => t !== undefined && /^\p{Lu}[\p{L}'’-]+,?$/u.test(t.text);

/** A name is letters: stop at the first word with a digit or bracket ("Jane Doe (62 y/o)", "Jane Doe 62F"). */
function nameTokens(tokens: readonly Token[]): Token[] {
  // Scan specks between the label and the name ("Patient: : Dolores Salazar ~~") are not part of it.
  let start = tokens.findIndex((t) => /[A-Za-z0-9]/.test(t.text));
  // A one- or two-letter mark OCR was unsure of before a full name ("Name: CN Bryant Daugherty", read at 38
  // from a speck): a scan mark, not an initial.
  const lead = start >= 0 ? tokens[start] : undefined;
  if (lead && isUnsureMark(lead) && isNameWord(tokens[start + 1]) && isNameWord(tokens[start + 2])) start++;
  const rest = start > 0 && start <= 3 ? tokens.slice(start) : tokens;
  return takeWhile(rest, (t, i) => i < 7 && /[A-Za-z]/.test(t.text) && !/[\d()[\]{}<>@/\\|]/.test(t.text));
}

/** A gap under this share of the type's height inside a name is not a word space. */
const SPLIT_WORD_GAP = 0.25;

/**
 * OCR sometimes splits a word on a faint stroke ("Daug herty"): a lower-case piece set closer to the word
 * before it than a word space is the rest of that word.
 */
function joinSplitWords(tokens: readonly Token[]): Token[] {
  const out: Token[] = [];
  for (const t of tokens) {
    const prev = out.at(-1);
    const height = Math.max(t.box.height, prev?.box.height ?? 0);
    if (
      prev &&
      /^\p{L}+$/u.test(prev.text) &&
      /^\p{Ll}[\p{L}'’-]*,?$/u.test(t.text) &&
      t.box.left - right(prev.box) < height * SPLIT_WORD_GAP
    ) {
      out[out.length - 1] = {
        ...prev,
        text: prev.text + t.text,
        key: prev.key + t.key,
        confidence: Math.min(prev.confidence, t.confidence),
        box: unionBoxes([prev.box, t.box]),
      };
    } else out.push(t);
  }
  return out;
}

/** OCR confidence (0–100) under which a name word holding a lookalike letter is doubted. */
const LOOKALIKE_DOUBT_CONFIDENCE = 90;

/**
 * A name word OCR was not sure of that holds a letter it confuses with a pair ("Emser" for "Ernser", "Wyrnan"
 * for "Wyman", "vv" for "w"): no rule can tell the misreading from a real name, so it is reviewed, not filed.
 */
function mayBeLookalike(token: Token): boolean {
  // Not an initial: a lone letter has no pair to be confused with.
  return (
    token.confidence < LOOKALIKE_DOUBT_CONFIDENCE && token.text.length >= 3 && /m|rn|w|vv/i.test(token.text)
  );
}

function parsePersonName(tokens: readonly Token[]): ParsedValue | undefined {
  const joined = joinSplitWords(tokens);
  const used = nameTokens(joined);
  const value = normalizePatientName(used.map((t) => t.text).join(" "));
  if (!value) return undefined;
  // Printed form text after an empty name box: not a name when every word is a caption word, doubtful
  // (reviewed, never filed on its own) when one is.
  const words = value.split(/[\s,]+/).filter(Boolean);
  const captions = words.filter((w) => FORM_CAPTION_WORDS.has(w.toLowerCase().replace(/[.'’]/g, ""))).length;
  if (captions === words.length) return undefined;
  // A word put back together from OCR's pieces is a guess: reviewed, never filed on its own.
  const repaired = captions > 0 || joined.length < tokens.length;
  return repaired ? { value, tokens: used, repaired: true } : { value, tokens: used };
}

export const patientNameRule: FieldRule = {
  target: "patientName",
  labels: PATIENT_NAME_LABELS,
  parse: parsePersonName,
  doubtedWords: (tokens) => tokens.some(mayBeLookalike),
  patientScoped: true,
  query: {
    alias: /^(?:PATIENT_?(?:FULL_?)?NAME|PT_?NAME)$/i,
    question: /\b(?:patient'?s?|pt\.?)\s+(?:full\s+)?name\b|\bname of (?:the )?patient\b/i,
  },
};

export const givenNameRule: FieldRule = {
  target: "givenName",
  labels: [
    { text: "First Name" },
    { text: "Patient First Name" },
    { text: "Given Name" },
    { text: "First", generic: true, weight: 0.9 },
  ],
  parse: parsePersonName,
  patientScoped: true,
  query: { alias: /^(?:PATIENT_?)?(?:FIRST|GIVEN)_?NAME$/i },
};

export const familyNameRule: FieldRule = {
  target: "familyName",
  labels: [
    { text: "Last Name" },
    { text: "Patient Last Name" },
    { text: "Surname" },
    { text: "Family Name" },
    { text: "Last", generic: true, weight: 0.9 },
  ],
  parse: parsePersonName,
  patientScoped: true,
  query: { alias: /^(?:PATIENT_?)?(?:LAST|FAMILY)_?NAME$/i },
};

export const middleNameRule: FieldRule = {
  target: "middleName",
  labels: [
    { text: "Middle Name" },
    { text: "Middle Initial" },
    { text: "MI", generic: true },
    { text: "M.I." },
  ],
  parse: parsePersonName,
  patientScoped: true,
};

const isSpeck = (t: Token) => t.text.length <= 2 && !normalizeSex(t.text);

export const sexRule: FieldRule = {
  target: "sex",
  labels: [
    { text: "Sex", generic: true },
    { text: "Gender", generic: true },
    { text: "Patient Sex" },
    { text: "Patient Gender" },
    { text: "Sex Assigned at Birth" },
    { text: "Sex/Gender" },
  ],
  parse(tokens) {
    // Scan specks OCR read before the answer ("Sex:  ’   Female", "Sex: a  Female") are skipped: at most
    // two, each at most two characters and no answer themselves.
    let start = 0;
    while (start < 2 && tokens[start] && tokens[start + 1] && isSpeck(tokens[start] as Token)) start++;
    const first = tokens[start];
    if (!first) return undefined;
    // A word one letter off ("Mule") is read as the answer it resembles, as a repair (reviewed).
    const exact = normalizeSex(first.text);
    const value = exact ?? misreadSex(first.text);
    if (!value) return undefined;
    // A blank form printing the choices ("Sex: M F", "Male Female") is not an answer.
    const others = tokens.slice(start + 1, start + 4).map((t) => normalizeSex(t.text));
    if (others.some((o) => o && o !== value && o !== "unknown")) return undefined;
    return exact ? { value, tokens: [first] } : { value, tokens: [first], repaired: true };
  },
  patientScoped: true,
  query: { alias: /^(?:PATIENT_?)?(?:SEX|GENDER)$/i, question: /\b(?:sex|gender)\b/i },
};
