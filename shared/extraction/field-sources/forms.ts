/** Field candidates from FORMS key/value pairs and two-column table rows (a key cell, then its value). */
import type { CompiledLabel } from "../labels";
import type { PageModel } from "../model/document-model";
import type { Token } from "../model/tokens";
import { withinOneEdit } from "../normalize/edit-distance";
import { RULES_BY_TARGET } from "../rules";
import { CERTAINTY, type Candidate, type RuleContext } from "../rules/types";
import { candidate } from "./candidate";

/** The label a whole key ("Date of Birth:", "2. PATIENT'S NAME (Last, First)") is, if any. */
export function labelForKey(
  keyTokens: readonly Token[],
  labels: readonly CompiledLabel[],
): { label: CompiledLabel; fuzzy: boolean } | undefined {
  let keys = keyTokens.map((t) => t.key);
  // Drop form numbering ("2.", "3a") and a trailing explanation in parentheses.
  const paren = keyTokens.findIndex((t) => t.text.startsWith("("));
  if (paren > 0) keys = keys.slice(0, paren);
  while (keys.length && /^\d+[a-z]?$/.test(keys[0] ?? "")) keys = keys.slice(1);
  keys = keys.filter(Boolean);
  if (!keys.length) return undefined;
  // Forms repeat the same keys on every page: remember the answer per key text.
  const cacheKey = keys.join(" ");
  let cache = keyLabelCaches.get(labels);
  if (!cache) keyLabelCaches.set(labels, (cache = new Map()));
  if (cache.has(cacheKey)) return cache.get(cacheKey);
  const found = findLabelForKeys(keys, labels);
  if (cache.size > 10_000) cache.clear();
  cache.set(cacheKey, found);
  return found;
}

/** Per label set (one in production; others while measuring): key text → label. */
const keyLabelCaches = new WeakMap<
  readonly CompiledLabel[],
  Map<string, { label: CompiledLabel; fuzzy: boolean } | undefined>
>();

function findLabelForKeys(
  keys: readonly string[],
  labels: readonly CompiledLabel[],
): { label: CompiledLabel; fuzzy: boolean } | undefined {
  const tryKeys = (ks: readonly string[]) => {
    const exact = labels.find((l) => l.keys.length === ks.length && l.keys.every((k, i) => k === ks[i]));
    if (exact) return { label: exact, fuzzy: false };
    const fuzzy = labels.find(
      (l) =>
        l.keys.length === ks.length &&
        l.keys.join(" ").length >= 5 &&
        withinOneEdit(l.keys.join(" "), ks.join(" ")),
    );
    return fuzzy ? { label: fuzzy, fuzzy: true } : undefined;
  };
  return (
    tryKeys(keys) ??
    (/^(patient|patients|pt)$/.test(keys[0] ?? "") && keys.length > 1 ? tryKeys(keys.slice(1)) : undefined)
  );
}

export function keyValueCandidates(page: PageModel, ctx: RuleContext): Candidate[] {
  const out: Candidate[] = [];
  for (const kv of page.keyValues) {
    const found = keyedCandidate(kv.keyTokens, kv.valueTokens, "key-value", ctx);
    if (found) out.push(found);
  }
  return out;
}

export function tableCandidates(page: PageModel, ctx: RuleContext): Candidate[] {
  const out: Candidate[] = [];
  for (const table of page.tables) {
    for (const row of table.rows) {
      row.forEach((cell, i) => {
        const found = keyedCandidate(cell.tokens, row[i + 1]?.tokens ?? [], "table", ctx);
        if (found) out.push(found);
      });
    }
  }
  return out;
}

/** A value whose key (a form key, or a table row's first cell) is a known label. */
function keyedCandidate(
  keyTokens: readonly Token[],
  valueTokens: readonly Token[],
  source: "key-value" | "table",
  ctx: RuleContext,
): Candidate | undefined {
  if (!valueTokens.length) return undefined;
  const found = labelForKey(keyTokens, ctx.labels);
  const rule = found?.label.target ? RULES_BY_TARGET.get(found.label.target) : undefined;
  if (!found || !rule) return undefined;
  const parsed = rule.parse(valueTokens, ctx);
  const base = source === "table" ? CERTAINTY.table : CERTAINTY.keyValue;
  const certainty = base * (found.label.def.weight ?? 1) * (found.fuzzy ? CERTAINTY.fuzzyFactor : 1);
  return parsed ? candidate(rule, parsed, certainty, source, found.label) : undefined;
}
