import { withinOneEdit } from "./edit-distance";

export type Sex = "female" | "male" | "other" | "unknown";

const SEX_WORDS: Record<string, Sex> = {
  f: "female",
  female: "female",
  fem: "female",
  woman: "female",
  girl: "female",
  m: "male",
  male: "male",
  man: "male",
  boy: "male",
  x: "other",
  other: "other",
  nonbinary: "other",
  "non-binary": "other",
  intersex: "other",
  u: "unknown",
  unk: "unknown",
  unknown: "unknown",
};

/**
 * Normalize a printed sex/gender value. Only the first word counts ("F 62 yo" → female); undefined when it
 * is not a recognizable value (so "Sex: ____" or checkbox-only forms yield nothing rather than "unknown").
 */
export function normalizeSex(raw: string): Sex | undefined {
  const first = raw.trim().split(/[\s/,;]+/)[0] ?? "";
  const key = first.toLowerCase().replace(/[.:()]/g, "");
  return SEX_WORDS[key];
}

/**
 * A sex answer OCR misread by one letter ("Mule", "Mle" for Male; "Femle" for Female): three letters or more,
 * the first one right, one edit from exactly one of the two words. Undefined otherwise ("emale" could be
 * either; "Fale" is two edits from Female).
 */
export function misreadSex(raw: string): Sex | undefined {
  const word = raw.toLowerCase().replace(/[^a-z]/g, "");
  if (word.length < 3) return undefined;
  const matches = (["male", "female"] as const).filter((w) => word[0] === w[0] && withinOneEdit(word, w));
  return matches.length === 1 ? matches[0] : undefined;
}
