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
