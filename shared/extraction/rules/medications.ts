/** Medications: items under a MEDICATIONS heading, or the rows of a table that follows it; each once. */
import type { Medication } from "../../domain/fields";
import type { DocModel, OcrLine, TableModel } from "../model/document-model";
import { bottom } from "../model/geometry";
import { cleanText } from "../normalize/names";
import { clinicalList } from "./clinical-list";
import { lineInsideTable, sectionItems, type Section } from "./sections";

const NONE = /^(?:none|n\/a|na|no (?:current |home )?medications?(?: reported)?|no meds|denies)\.?$/i;
const TABLE_HEADER_CELL =
  /^(?:medications?|medicine|drugs?|name|dose|dosage|strength|route|frequency|freq|sig|directions|instructions|qty|quantity|refills|start(?: date)?|stop(?: date)?|status|indication|prescriber|comments?)$/i;

export function extractMedications(model: DocModel, sections: readonly Section[]): Medication[] {
  const out: Medication[] = [];
  for (const section of sections.filter((s) => s.kind === "medications")) {
    const inline = cleanText(section.inline.map((t) => t.text).join(" "));
    if (inline && !NONE.test(inline)) out.push({ text: inline, page: section.heading.page });
    const tables = tablesInSection(model, section);
    const inTable = (line: OcrLine) => tables.some((t) => t.page === line.page && lineInsideTable(line, t));
    for (const table of tables) out.push(...tableRows(table));
    for (const item of sectionItems(section.lines.filter((l) => !inTable(l)))) {
      const text = cleanText(item.text);
      if (text && !NONE.test(text)) out.push({ text, page: item.page });
    }
  }
  return clinicalList(out);
}

/** Tables that start after the heading and before the next heading. */
function tablesInSection(model: DocModel, section: Section): TableModel[] {
  const start = {
    page: section.heading.page,
    y: bottom(section.heading.box) - section.heading.box.height * 0.5,
  };
  const end = section.endHeading
    ? { page: section.endHeading.page, y: section.endHeading.box.top }
    : undefined;
  const after = (p: number, y: number, ref: { page: number; y: number }) =>
    p > ref.page || (p === ref.page && y >= ref.y);
  return model.pages
    .flatMap((p) => p.tables)
    .filter((t) => after(t.page, t.box.top, start) && (!end || !after(t.page, t.box.top, end)));
}

function tableRows(table: TableModel): Medication[] {
  const out: Medication[] = [];
  for (const row of table.rows) {
    const cells = row.map((c) => cleanText(c.text)).filter(Boolean);
    if (!cells.length) continue;
    if (cells.every((c) => TABLE_HEADER_CELL.test(c))) continue;
    const text = cells.join(" ");
    if (!NONE.test(text)) out.push({ text, page: table.page });
  }
  return out;
}
