import type { BoundingBox } from "../../domain/fields";
import { splitBoxHorizontally } from "./geometry";

/**
 * The unit rules work on: a WORD, or a piece of one when OCR glued a label to its value ("DOB:03/14/1962",
 * "MRN#12345"). Pieces get a box proportional to their share of the word's characters.
 */
export interface Token {
  /** Text as printed. */
  text: string;
  /** Lower-case letters/digits plus `#` and `&`, for label matching ("D.O.B.:" → "dob"). */
  key: string;
  /** OCR confidence 0–100. */
  confidence: number;
  box: BoundingBox;
  page: number;
}

export function tokenKey(text: string): string {
  return text
    .toLowerCase()
    .replace(/['’]/g, "")
    .replace(/[^a-z0-9#&]/g, "");
}

/** True if the token ends with a colon ("Name:", ":"), i.e. it closes a label. */
export function endsWithColon(token: Token): boolean {
  return /:\s*$/.test(token.text);
}

/** A lone separator token between label and value: ":", "-", "–", "—", "=". */
export function isSeparator(token: Token): boolean {
  return /^[:\-–—=]+$/.test(token.text.trim());
}

/** Split printed word text into label/value pieces; most words come back as one piece. */
export function splitWordText(text: string): string[] {
  const out: string[] = [];
  // "DOB:03/14/1962" → "DOB:" + "03/14/1962" (only after a letter, so "10:30" stays whole).
  for (const piece of text.split(/(?<=[A-Za-z#.)]:)(?=\S)/)) {
    // "MRN#:" → "MRN" + "#:"; "MRN#00123" → "MRN" + "#" + "00123".
    const hash = /^([A-Za-z.]{2,})(#:?)(\S*)$/.exec(piece);
    if (hash && hash[1] && hash[2]) {
      out.push(hash[1], hash[2]);
      if (hash[3]) out.push(hash[3]);
    } else if (piece) {
      out.push(piece);
    }
  }
  return out.length ? out : [text];
}

/** Word text → its pieces and their keys. Running headers and common words repeat on every page. */
const pieceCache = new Map<string, { pieces: string[]; keys: string[] }>();
const PIECE_CACHE_MAX = 20_000;

function piecesOf(text: string): { pieces: string[]; keys: string[] } {
  let hit = pieceCache.get(text);
  if (!hit) {
    const pieces = splitWordText(text);
    hit = { pieces, keys: pieces.map(tokenKey) };
    if (pieceCache.size >= PIECE_CACHE_MAX) pieceCache.clear();
    pieceCache.set(text, hit);
  }
  return hit;
}

export function makeTokens(text: string, confidence: number, box: BoundingBox, page: number): Token[] {
  const { pieces, keys } = piecesOf(text);
  if (pieces.length === 1)
    return [{ text: pieces[0] as string, key: keys[0] as string, confidence, box, page }];
  const boxes = splitBoxHorizontally(
    box,
    pieces.map((p) => p.length),
  );
  return pieces.map((piece, i) => ({
    text: piece,
    key: keys[i] as string,
    confidence,
    box: boxes[i] ?? box,
    page,
  }));
}

/** Label text → token keys, tokenized the way OCR words are ("Med Rec #" → ["med","rec","#"]). */
export function labelKeys(label: string): string[] {
  return label
    .split(/\s+/)
    .filter(Boolean)
    .flatMap((w) => splitWordText(w))
    .map(tokenKey)
    .filter(Boolean);
}

/** Mean OCR confidence of tokens, 0–1 (1 when OCR gave none). */
export function meanConfidence(tokens: readonly Token[]): number {
  if (!tokens.length) return 1;
  return tokens.reduce((s, t) => s + t.confidence, 0) / tokens.length / 100;
}

export function joinTokens(tokens: readonly Token[]): string {
  return tokens.map((t) => t.text).join(" ");
}

/** OCR confidence (0–100) under which a one- or two-character word is taken for a scan mark. */
const UNSURE_MARK_CONFIDENCE = 50;

/**
 * A one- or two-character word OCR was unsure of: a speck or smudge read as letters ("Name: y Doreen
 * O'Conner", "y" at 0), not an initial, which OCR reads as surely as any other letter.
 */
export function isUnsureMark(token: Token): boolean {
  return token.text.length <= 2 && token.confidence < UNSURE_MARK_CONFIDENCE;
}
