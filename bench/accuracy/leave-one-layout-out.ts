/**
 * Leave-one-layout-out for a rules engine: the rules' only per-layout knowledge is the label wording they
 * know ("Pt:", "Med Rec #", "Chart #"). For each layout, the labels that read its identity captions and
 * no other layout's are the ones the rules would lack had they been written without it. Extracting the
 * layout's documents without them measures how the rules do on a layout they were not tuned on.
 */
import { LAYOUTS, type Layout } from "../../samples/generator/layouts";
import { labelKeys } from "../../shared/extraction/model/tokens";
import { ALL_LABELS } from "../../shared/extraction/rules";

const captionsOf = (layout: Layout) =>
  Object.values(layout.labels)
    .filter((caption): caption is string => Boolean(caption))
    .map((caption) => labelKeys(caption).join(" "));

/** Layout name → the texts of the labels only that layout's captions need. */
export function labelsOnlyIn(layouts: readonly Layout[] = LAYOUTS): Map<string, Set<string>> {
  const byLayout = new Map(layouts.map((l) => [l.name, new Set(captionsOf(l))]));
  const out = new Map<string, Set<string>>();
  for (const layout of layouts) {
    const own = new Set<string>();
    for (const label of ALL_LABELS) {
      const keys = label.keys.join(" ");
      if (!byLayout.get(layout.name)!.has(keys)) continue;
      const elsewhere = layouts.some((other) => other !== layout && byLayout.get(other.name)!.has(keys));
      if (!elsewhere) own.add(label.def.text);
    }
    out.set(layout.name, own);
  }
  return out;
}
