/**
 * Date normalization: printed dates → ISO YYYY-MM-DD. Accepted forms (US month-first for numeric dates;
 * day-first only when the first number cannot be a month):
 *   03/14/1962  3-14-62  3.14.1962  1962-03-14  1962/03/14  14-Mar-1962  14 Mar 1962
 *   March 14, 1962  Mar 14 1962  Mar. 14, 1962  Mar-14-1962
 * Two-digit years depend on what the date is (see `DateKind`).
 */

/**
 * - `birth`: never in the future — 20yy unless that is after the reference date, then 19yy.
 * - `event` (service, admission, discharge): the century putting the year nearest the reference year,
 *   but never more than one year ahead of it.
 */
export type DateKind = "birth" | "event";

export interface DateOptions {
  kind?: DateKind;
  /** "Now" for two-digit years and plausibility checks; defaults to the current date. */
  referenceDate?: Date;
  /**
   * Also read dates with OCR character confusions inside otherwise-digit words (O→0, l/I/|→1, S→5, B→8,
   * Z→2, slashes read as 1s: "0311411962"). A value read that way is reported as `repaired`.
   */
  repair?: boolean;
}

const MONTHS: Record<string, number> = {
  jan: 1,
  january: 1,
  feb: 2,
  february: 2,
  mar: 3,
  march: 3,
  apr: 4,
  april: 4,
  may: 5,
  jun: 6,
  june: 6,
  jul: 7,
  july: 7,
  aug: 8,
  august: 8,
  sep: 9,
  sept: 9,
  september: 9,
  oct: 10,
  october: 10,
  nov: 11,
  november: 11,
  dec: 12,
  december: 12,
};

const MONTH_NAME =
  "(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?";

const NUMERIC_MDY = /^(\d{1,2})\s*([/\-.])\s*(\d{1,2})\s*\2\s*(\d{2}|\d{4})$/;
const ISO_YMD = /^(\d{4})\s*([/\-.])\s*(\d{1,2})\s*\2\s*(\d{1,2})$/;
const DAY_MON_YEAR = new RegExp(
  `^(\\d{1,2})(?:st|nd|rd|th)?[\\s\\-/.]*${MONTH_NAME}[\\s\\-/.,]*(\\d{2}|\\d{4})$`,
  "i",
);
const MON_DAY_YEAR = new RegExp(
  `^${MONTH_NAME}[\\s\\-/.]*(\\d{1,2})(?:st|nd|rd|th)?[\\s\\-/.,]*(\\d{2}|\\d{4})$`,
  "i",
);

/** Normalize one printed date; undefined when it is not a (valid, plausible) date. */
export function normalizeDate(raw: string, opts: DateOptions = {}): string | undefined {
  const text = raw
    .trim()
    .replace(/[.,;:)\]"'“”‘’`|]+$/, "")
    .replace(/^[(["'“”‘’`]+/, "")
    .trim();
  const ref = opts.referenceDate ?? new Date();
  let m: RegExpExecArray | null;
  let y: number, mo: number, d: number;
  let twoDigitYear = false;

  if ((m = ISO_YMD.exec(text))) {
    [y, mo, d] = [Number(m[1]), Number(m[3]), Number(m[4])];
  } else if ((m = NUMERIC_MDY.exec(text))) {
    const a = Number(m[1]);
    const b = Number(m[3]);
    // Month first (US charts); if the first number cannot be a month but the second can, it is day-first.
    [mo, d] = a > 12 && b <= 12 ? [b, a] : [a, b];
    twoDigitYear = m[4]?.length === 2;
    y = Number(m[4]);
  } else if ((m = DAY_MON_YEAR.exec(text))) {
    d = Number(m[1]);
    mo = monthNumber(m[2]);
    twoDigitYear = m[3]?.length === 2;
    y = Number(m[3]);
  } else if ((m = MON_DAY_YEAR.exec(text))) {
    mo = monthNumber(m[1]);
    d = Number(m[2]);
    twoDigitYear = m[3]?.length === 2;
    y = Number(m[3]);
  } else {
    return undefined;
  }

  const kind = opts.kind ?? "event";
  if (twoDigitYear) y = expandTwoDigitYear(y, mo, d, kind, ref);
  if (!isValidDate(y, mo, d)) return undefined;
  if (!isPlausible(y, mo, d, kind, ref)) return undefined;
  return `${String(y).padStart(4, "0")}-${pad(mo)}-${pad(d)}`;
}

/** Find the first date in a run of text pieces (printed words). Returns its value and which pieces form it. */
export function findDate(
  pieces: readonly string[],
  opts: DateOptions = {},
): { value: string; start: number; end: number; repaired?: boolean } | undefined {
  const strict = scanDates(pieces, (text) => normalizeDate(text, opts));
  if (strict || !opts.repair) return strict;
  const repaired = scanDates(pieces, (text) => {
    const fixed = repairDateText(text) ?? boxedDate(text);
    return fixed === undefined ? undefined : normalizeDate(fixed, opts);
  });
  return repaired ? { ...repaired, repaired: true } : undefined;
}

function scanDates(
  pieces: readonly string[],
  read: (text: string) => string | undefined,
): { value: string; start: number; end: number } | undefined {
  for (let start = 0; start < pieces.length; start++) {
    // Longest first so "March 14, 1962" wins over nothing; dates span at most 5 printed words ("14 / 03 / 1962").
    for (let end = Math.min(pieces.length, start + 5); end > start; end--) {
      const value = read(pieces.slice(start, end).join(" "));
      if (value) return { value, start, end };
    }
  }
  return undefined;
}

/** A tick mark between date boxes as OCR reads it ("|", "]", "l"), with the space around it. */
const TICK = String.raw`(?:\s*[|\][Il!]\s*|\s+)`;
const BOXED_MDY = new RegExp(String.raw`^(\d{2})${TICK}(\d{2})${TICK}(\d{2}|\d{4})[|\][Il!]?$`);

/**
 * A date printed in boxes under "MM | DD | YY" captions (the CMS-1500's and UB-04's dates): "01 02 1970",
 * "01] 02 1970" with a tick mark read as a bracket. Two digits, two digits, two or four, split by spaces or
 * tick marks; read as month/day/year, only as a repair.
 */
function boxedDate(text: string): string | undefined {
  const m = BOXED_MDY.exec(text.trim());
  return m ? `${m[1]}/${m[2]}/${m[3]}` : undefined;
}

/** Characters OCR reads in place of a digit (or of a "/" between digits, for l I | 1). */
const DIGIT_CONFUSIONS: Record<string, string> = {
  O: "0",
  o: "0",
  Q: "0",
  D: "0",
  l: "1",
  I: "1",
  i: "1",
  "|": "1",
  "!": "1",
  S: "5",
  s: "5",
  B: "8",
  Z: "2",
  z: "2",
};

/**
 * Undo OCR confusions in the words of a printed date that are otherwise digits ("O3/l4/I962" → "03/14/1962";
 * "0311411962", a date whose slashes were read as 1s → "03/14/1962"). Words with other letters (month names)
 * are left alone. Undefined when nothing was changed.
 */
export function repairDateText(raw: string): string | undefined {
  let changed = false;
  const words = raw
    .trim()
    .split(/\s+/)
    .map((word) => {
      const core = word.replace(/[.,;:"'“”‘’`)\]]+$/, "");
      const tail = word.slice(core.length);
      const digits = (core.match(/\d/g) ?? []).length;
      // Only a word made of digits, date separators and digit look-alikes, mostly digits already.
      if (digits < 2 || !/^[\dOoQDlIi|!SsBZz/\-.]+$/.test(core)) return word;
      const letters = core.replace(/[\d/\-.]/g, "").length;
      if (letters > digits / 2) return word;
      let fixed = core.replace(/[OoQDlIi|!SsBZz]/g, (c) => DIGIT_CONFUSIONS[c] ?? c);
      // Slashes read as 1s: MM1DD1YYYY (10 digits) or MMDDYYYY with no separators at all.
      const ten = /^(\d{2})1(\d{2})1(\d{4})$/.exec(fixed);
      const eight = /^(\d{2})(\d{2})(\d{4})$/.exec(fixed);
      const m = ten ?? eight;
      if (m) fixed = `${m[1]}/${m[2]}/${m[3]}`;
      if (fixed === core) return word;
      changed = true;
      return fixed + tail;
    });
  return changed ? words.join(" ") : undefined;
}

export function expandTwoDigitYear(
  yy: number,
  month: number,
  day: number,
  kind: DateKind,
  ref: Date,
): number {
  const refYear = ref.getUTCFullYear();
  if (kind === "birth") {
    const y = 2000 + yy;
    return dateValue(y, month, day) > dateValue(refYear, ref.getUTCMonth() + 1, ref.getUTCDate())
      ? 1900 + yy
      : y;
  }
  const candidates = [1900 + yy, 2000 + yy].filter((y) => y <= refYear + 1);
  candidates.sort((a, b) => Math.abs(a - refYear) - Math.abs(b - refYear));
  return candidates[0] ?? 1900 + yy;
}

function isPlausible(y: number, mo: number, d: number, kind: DateKind, ref: Date): boolean {
  const refValue = dateValue(ref.getUTCFullYear(), ref.getUTCMonth() + 1, ref.getUTCDate());
  if (kind === "birth") return y >= 1880 && dateValue(y, mo, d) <= refValue;
  return y >= 1900 && y <= ref.getUTCFullYear() + 1;
}

function isValidDate(y: number, mo: number, d: number): boolean {
  if (!Number.isInteger(y) || !Number.isInteger(mo) || !Number.isInteger(d)) return false;
  if (mo < 1 || mo > 12 || d < 1) return false;
  const dt = new Date(Date.UTC(y, mo - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === mo - 1 && dt.getUTCDate() === d;
}

function monthNumber(name: string | undefined): number {
  return MONTHS[(name ?? "").toLowerCase().replace(/\.$/, "")] ?? 0;
}

function dateValue(y: number, mo: number, d: number): number {
  return y * 10000 + mo * 100 + d;
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}
