/** Field candidates from Textract QUERIES answers. */
import { EMPTY_BOX, unionBoxes } from "../model/geometry";
import type { PageModel } from "../model/document-model";
import { makeTokens, type Token } from "../model/tokens";
import { FIELD_RULES } from "../rules";
import { CERTAINTY, type Candidate, type FieldRule, type RuleContext } from "../rules/types";

function ruleForQuery(alias: string | undefined, question: string): FieldRule | undefined {
  if (alias) {
    const byAlias = FIELD_RULES.find((r) => r.query?.alias?.test(alias));
    if (byAlias) return byAlias;
  }
  return FIELD_RULES.find((r) => r.query?.question?.test(question));
}

export function queryCandidates(page: PageModel, ctx: RuleContext): Candidate[] {
  const out: Candidate[] = [];
  for (const q of page.queries) {
    const rule = ruleForQuery(q.alias, q.question);
    if (!rule) continue;
    // QUERY_RESULT blocks carry no WORD children; find the answer's words on the page for its box.
    const words = findWords(page, q.answer);
    const box = q.box ?? (words ? unionBoxes(words.map((w) => w.box)) : EMPTY_BOX);
    const tokens =
      words ?? q.answer.split(/\s+/).flatMap((w) => makeTokens(w, q.confidence, box, page.number));
    const parsed = rule.parse(tokens, ctx);
    if (!parsed) continue;
    out.push({
      target: rule.target,
      value: parsed.value,
      certainty: CERTAINTY.query * (parsed.repaired ? CERTAINTY.repairedFactor : 1),
      ocr: q.confidence / 100,
      page: page.number,
      box: words ? unionBoxes(parsed.tokens.map((t) => t.box)) : box,
      source: "query",
      ...(parsed.repaired ? { repaired: true } : {}),
    });
  }
  return out;
}

function findWords(page: PageModel, text: string): Token[] | undefined {
  const want = text.replace(/\s+/g, " ").trim().toLowerCase();
  if (!want) return undefined;
  for (const line of page.lines) {
    const tokens = line.tokens;
    for (let i = 0; i < tokens.length; i++) {
      let acc = "";
      for (let j = i; j < tokens.length; j++) {
        acc = acc ? `${acc} ${(tokens[j] as Token).text}` : (tokens[j] as Token).text;
        const norm = acc.toLowerCase();
        if (norm === want) return tokens.slice(i, j + 1);
        if (!want.startsWith(norm)) break;
      }
    }
  }
  return undefined;
}
