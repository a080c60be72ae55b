import * as mupdf from "mupdf";
import { mulberry32, type ChartSection, type ChartSpec } from "./chart-spec";
import type { TruthFields } from "./corpus";
import {
  formatDate,
  formatName,
  formatProvider,
  providerLabel,
  serviceLabel,
  titleFor,
  type Layout,
  type LayoutDocument,
} from "./layouts";
import type { GrayPage } from "./tiff";
import { esc, sectionHtml } from "./render-chart";

/**
 * Renders a ChartSpec in one of the named layouts (layouts.ts) to clean grayscale pages, and reports exactly
 * which identity fields it printed (the ground truth).
 *
 * MuPDF's HTML engine typesets the letterhead, patient header and body (built-in Nimbus Roman/Sans/Mono: it has
 * no script or handwriting face, and ignores unknown families such as "cursive"). Running headers, footers, fax
 * lines, stamps and handwriting are drawn on top with MuPDF's device API. Handwriting is emulated: the value is
 * typeset in white to reserve its place, then drawn glyph by glyph in Nimbus Roman Italic with per-glyph jitter
 * in size, angle and baseline, extra slant and a stroked (pen-weight) outline.
 */

const PAGE_W = 612;
const PAGE_H = 792;
const MARGIN_X = 54;
const BODY_TOP = 58;
const BODY_BOTTOM = 58;
const BODY_W = PAGE_W - 2 * MARGIN_X;
const BODY_H = PAGE_H - BODY_TOP - BODY_BOTTOM;
const GUTTER = 18;

export interface RenderedDocument {
  pages: GrayPage[];
  /** The identity fields as printed, normalized (see TruthFields in corpus.ts). */
  fields: TruthFields;
  /** The exact strings printed for each truth field (first occurrence). */
  printed: Partial<Record<keyof TruthFields, string>>;
}

export interface RenderLayoutOptions {
  dpi?: number;
  /** Trim the note text until the document fits on this many pages. Default 3. */
  maxPages?: number;
  /** Start sections on new pages until the document has at least this many pages (one-column layouts). */
  minPages?: number;
}

const DAY = 86_400_000;
const addDays = (iso: string, days: number) =>
  new Date(Date.parse(iso) + days * DAY).toISOString().slice(0, 10);

interface HandSlot {
  text: string;
  kind: "value" | "signature";
  /** Draw a rule under it at least this wide (points); 0 = none. */
  rule: number;
}

interface Entry {
  label: string;
  value: string;
  field?: keyof TruthFields;
  truth?: string;
}

/** Everything printed for one document, before layout. */
interface Built {
  css: string;
  top: string;
  sections: ChartSection[];
  intakeBody?: string;
  tail: string;
  hands: HandSlot[];
  fields: TruthFields;
  printed: Partial<Record<keyof TruthFields, string>>;
  /** Running header / footer / fax strings (page numbers filled in later). */
  running?: string;
  footerLeft?: string;
  faxLine?: string;
  stamp?: { word: string; date?: string; sub?: string };
}

function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter((w) => /^[A-Z]/.test(w))
    .slice(0, 2)
    .map((w) => w[0])
    .join("");
}

function build(doc: LayoutDocument): Built {
  const { spec, layout } = doc;
  const rng = mulberry32(spec.seed ^ 0x1a7047);
  const p = spec.patient;
  const type = spec.documentType;
  const hands: HandSlot[] = [];
  const fields: TruthFields = {};
  const printed: Partial<Record<keyof TruthFields, string>> = {};
  const record = (field: keyof TruthFields, printedValue: string, truth: string) => {
    if (fields[field] === undefined) {
      (fields as Record<string, string>)[field] = truth;
      printed[field] = printedValue;
    }
  };
  const hw = (text: string, kind: HandSlot["kind"] = "value", rule = 0) => {
    hands.push({ text, kind, rule });
    return `<span class="hw">${esc(text).replaceAll(" ", "&#160;")}</span>`;
  };
  const up = (s: string) => (layout.upperValues ? s.toUpperCase() : s);
  const date = (iso: string) => formatDate(iso, layout.dateStyle);

  // ---- identity entries, in print order
  const name = formatName(p.firstName, p.lastName, layout.nameFormat);
  const provider = formatProvider(spec.provider, layout);
  const entries: Entry[] = [];
  entries.push({ label: layout.labels.name, value: name.printed, field: "patientName", truth: name.truth });
  entries.push({
    label: layout.labels.dob,
    value: formatDate(p.dob, layout.dobStyle ?? layout.dateStyle),
    field: "dateOfBirth",
    truth: p.dob,
  });
  if (layout.sexStyle !== "none" && layout.labels.sex) {
    const word = p.sex === "female" ? "Female" : "Male";
    entries.push({
      label: layout.labels.sex,
      value: up(layout.sexStyle === "word" ? word : (word[0] ?? "")),
      field: "sex",
      truth: p.sex,
    });
  }
  if (layout.labels.mrn) entries.push({ label: layout.labels.mrn, value: p.mrn, field: "mrn", truth: p.mrn });
  if (layout.distractor) {
    const n = String(Math.floor(rng() * 1e9)).padStart(9, "0");
    entries.push({
      label: layout.distractor,
      value: layout.distractor.startsWith("Account") ? n : `E${n.slice(0, 7)}`,
    });
  }
  if (spec.admissionDate && spec.dischargeDate) {
    const [a, d] = [
      ["Admission Date:", "Discharge Date:"],
      ["Admitted:", "Discharged:"],
      ["Adm Date:", "Disch Date:"],
    ][layout.labelVariant] as [string, string];
    entries.push({
      label: a,
      value: date(spec.admissionDate),
      field: "admissionDate",
      truth: spec.admissionDate,
    });
    entries.push({
      label: d,
      value: date(spec.dischargeDate),
      field: "dischargeDate",
      truth: spec.dischargeDate,
    });
  } else {
    entries.push({
      label: serviceLabel(layout, type),
      value: date(spec.dateOfService),
      field: "dateOfService",
      truth: spec.dateOfService,
    });
  }
  const intake = type === "patient_intake_form";
  if (layout.provider !== "signature" && !intake)
    entries.push({ label: providerLabel(layout, type), value: provider, field: "provider", truth: provider });

  const handHeader = layout.handwritten && layout.header === "form";
  const val = (e: Entry) => (handHeader && e.field ? hw(up(e.value), "value", 110) : esc(up(e.value)));
  for (const e of entries) if (e.field && e.truth) record(e.field, up(e.value), up(e.truth));
  // Truth dates/sex are normalized; names keep the printed case (upperValues capitalizes them).
  if (fields.dateOfBirth) fields.dateOfBirth = p.dob;
  if (fields.sex) fields.sex = p.sex;
  if (fields.dateOfService) fields.dateOfService = spec.dateOfService;
  if (fields.admissionDate) fields.admissionDate = spec.admissionDate;
  if (fields.dischargeDate) fields.dischargeDate = spec.dischargeDate;

  // ---- letterhead
  const f = spec.facility;
  let letterhead = "";
  switch (layout.letterhead) {
    case "centered":
      letterhead = `<div class="lh"><div class="fac">${esc(f.name)}</div><div class="addr">${esc(f.street)}, ${esc(f.city)}, ${f.state} ${f.zip} &#183; Tel ${esc(f.phone)}</div></div>`;
      break;
    case "left":
      letterhead = `<table class="lhl"><tr><td><div class="fac">${esc(f.name)}</div><div class="addr">${esc(f.street)}<br/>${esc(f.city)}, ${f.state} ${f.zip}</div></td><td class="r"><div class="addr">Phone ${esc(f.phone)}<br/>Fax ${esc(f.phone.replace(/\d{4}$/, (m) => String((Number(m) + 1) % 10000).padStart(4, "0")))}</div></td></tr></table>`;
      break;
    case "logo":
      letterhead = `<table class="lhl"><tr><td class="logo">${esc(initials(f.name))}</td><td class="lhname"><div class="fac">${esc(f.name)}</div><div class="addr">${esc(f.street)} &#183; ${esc(f.city)}, ${f.state} ${f.zip} &#183; ${esc(f.phone)}</div></td></tr></table>`;
      break;
    case "none":
      break;
  }
  if (layout.letterhead !== "none") record("facility", f.name, f.name);

  // ---- patient header block
  const title = titleFor(layout, type);
  let header = "";
  const pairs = (cells: Entry[], per: number) => {
    const rows: Entry[][] = [];
    for (let i = 0; i < cells.length; i += per) rows.push(cells.slice(i, i + per));
    return rows;
  };
  switch (layout.header) {
    case "table":
    case "boxed":
    case "inline":
    case "form": {
      const cls = layout.header === "form" ? "hdr form" : `hdr ${layout.header}`;
      // Keep the distractor right after the MRN, on the same row.
      header = `<table class="${cls}">${pairs(entries, 2)
        .map(
          (row) =>
            `<tr>${row.map((e) => `<td class="l">${esc(e.label)}</td><td class="v">${val(e)}</td>`).join("")}${row.length < 2 ? '<td class="l"></td><td class="v"></td>' : ""}</tr>`,
        )
        .join("")}</table>`;
      break;
    }
    case "stacked":
      header = `<table class="hdr stacked">${pairs(entries, 3)
        .map(
          (row) =>
            `<tr>${row.map((e) => `<td><div class="sl">${esc(e.label.replace(/:$/, ""))}</div><div class="sv">${val(e)}</div></td>`).join("")}</tr>`,
        )
        .join("")}</table>`;
      break;
    case "dense": {
      const sp = "&#160;&#160;&#160;";
      const line = (es: Entry[]) => es.map((e) => `${esc(e.label)} ${esc(up(e.value))}`).join(sp);
      const idCount = entries.findIndex((e) => e.field === "dateOfService" || e.field === "admissionDate");
      header = `<div class="dense"><p>${line(entries.slice(0, idCount))}</p><p>${line(entries.slice(idCount))}</p></div>`;
      break;
    }
    case "letter": {
      const ref = entries.filter(
        (e) => e.field === "patientName" || e.field === "dateOfBirth" || e.field === "mrn",
      );
      const rest = entries.filter((e) => !ref.includes(e) && e.field !== "provider");
      const referrer =
        ["Dr. Lydia Carver", "Dr. Martin Oyelaran", "Dr. Rosa Delgado", "Dr. Henry Pak"][
          Math.floor(rng() * 4)
        ] ?? "";
      header =
        `<p class="ldate">${esc(formatDate(spec.dischargeDate ?? spec.dateOfService, "Month D, YYYY"))}</p>` +
        `<p>${esc(referrer)}<br/>${esc(["Family Medicine Associates", "Harborview Internal Medicine", "Riverside Primary Care"][Math.floor(rng() * 3)] ?? "")}</p>` +
        `<table class="re">${ref.map((e) => `<tr><td class="l">${esc(e.label)}</td><td>${esc(e.value)}</td></tr>`).join("")}${rest
          .map(
            (e) =>
              `<tr><td class="l">${esc(e.label.replace(/^Date of Consultation:$/, "Date of Visit:"))}</td><td>${esc(e.value)}</td></tr>`,
          )
          .join("")}</table>` +
        `<p>Dear ${esc(referrer)}:</p><p>Thank you for referring ${esc(name.printed)} for evaluation. My ${esc(title.toLowerCase())} follows.</p>`;
      break;
    }
  }
  const titleHtml =
    layout.header === "letter" ? `<p class="subj">${esc(title)}</p>` : `<h1>${esc(title)}</h1>`;
  const top =
    layout.header === "letter"
      ? letterhead + header.replace("</table>", `</table>${titleHtml}`)
      : letterhead + titleHtml + header;

  // ---- signature / tail
  const signDate = date(spec.dischargeDate ?? spec.dateOfService);
  const time = `${String(8 + Math.floor(rng() * 9)).padStart(2, "0")}:${String(Math.floor(rng() * 60)).padStart(2, "0")}`;
  const scribble = (who: string) => {
    const parts = who
      .replace(/^Dr\.\s+/, "")
      .replace(/,.*$/, "")
      .split(" ");
    return `${parts[0]?.[0] ?? ""}. ${parts[parts.length - 1] ?? ""}`;
  };
  let tail: string;
  if (intake) {
    tail = `<div class="sig"><p>I certify that the information above is correct to the best of my knowledge.</p><p class="sigline">Patient Signature: ${hw(scribble(`${p.firstName} ${p.lastName}`), "signature", 150)}${"&#160;".repeat(22)}Date: ${layout.handwritten ? hw(date(spec.dateOfService), "value", 70) : esc(date(spec.dateOfService))}</p></div>`;
  } else {
    switch (layout.signature) {
      case "typed":
        tail = `<div class="sig"><p>Electronically signed by: ${esc(provider)} on ${esc(signDate)} ${time}</p></div>`;
        break;
      case "handwritten":
        tail = `<div class="sig"><p class="sigline">${hw(scribble(provider), "signature", 170)}</p><p>${esc(provider)}</p><p>NPI ${String(1e9 + Math.floor(rng() * 9e8))} &#160;&#160; Signed ${esc(signDate)}</p></div>`;
        break;
      case "dictation": {
        const job = String(100000 + Math.floor(rng() * 900000));
        tail = `<div class="sig"><p>${esc(up(provider))}</p><p>D: ${esc(date(addDays(spec.dischargeDate ?? spec.dateOfService, 0)))} ${time} &#160; T: ${esc(date(addDays(spec.dischargeDate ?? spec.dateOfService, 1)))} &#160; Job #: ${job}</p><p>cc: Medical Records</p></div>`;
        break;
      }
      case "letter":
        tail = `<div class="sig"><p>Thank you for allowing me to participate in the care of this patient.</p><p>Sincerely,</p><p class="sigline">${hw(scribble(provider), "signature", 0)}</p><p>${esc(provider)}</p></div>`;
        break;
    }
    const signed = layout.signature === "dictation" ? up(provider) : provider;
    record("provider", signed, signed);
  }

  // ---- running header, footer, fax line, stamp
  const last = formatName(p.firstName, p.lastName, "LAST, FIRST").printed;
  const running = layout.runningHeader
    ? `${last}   MRN: ${p.mrn}   DOB: ${formatDate(p.dob, layout.dobStyle ?? layout.dateStyle)}`
    : undefined;
  let footerLeft: string | undefined;
  switch (layout.footer) {
    case "facility":
      footerLeft = `${f.name} - CONFIDENTIAL PATIENT INFORMATION`;
      record("facility", f.name, f.name);
      break;
    case "patient":
      footerLeft = `${last}   MRN ${p.mrn}   ${title}`;
      break;
    case "printed":
      footerLeft = `Printed ${formatDate(addDays(spec.dateOfService, 20 + Math.floor(rng() * 200)), layout.dateStyle)} ${time} by ${["jsmith", "mlopez", "kchen", "records2"][Math.floor(rng() * 4)]}`;
      break;
    default:
      footerLeft = undefined;
  }
  const sent = addDays(spec.dischargeDate ?? spec.dateOfService, 2 + Math.floor(rng() * 20));
  const faxLine = layout.faxHeader
    ? `${formatDate(sent, "MM/DD/YYYY")} ${time}  FROM: ${f.phone}  ${f.name.toUpperCase()}  TO: (617) 555-01${String(10 + Math.floor(rng() * 89))}`
    : undefined;
  const stampDate = formatDate(sent, "DD-Mon-YYYY").toUpperCase().replaceAll("-", " ");
  const stamp = layout.stamp
    ? layout.stamp === "COPY"
      ? { word: "COPY" }
      : {
          word: layout.stamp,
          date: stampDate,
          sub: layout.stamp === "RECEIVED" ? "HEALTH INFORMATION MGMT" : "",
        }
    : undefined;

  const css = `
    @page { margin: 0 }
    body { margin: 0; font-family: ${layout.font}; font-size: ${layout.fontSize}pt; line-height: 1.3 }
    .lh { text-align: center; border-bottom: 1.5pt solid black; padding-bottom: 4pt }
    table.lhl { width: 100%; border-bottom: 1.5pt solid black; margin-bottom: 2pt }
    table.lhl td { vertical-align: bottom; padding: 0 0 3pt 0 }
    td.r { text-align: right }
    td.logo { background-color: #000000; color: #f0f0f0; font-family: sans-serif; font-size: 19pt; font-weight: bold; width: 44pt; text-align: center; padding: 7pt 2pt }
    td.lhname { padding-left: 8pt }
    .fac { font-family: sans-serif; font-size: 15pt; font-weight: bold }
    .addr { font-family: sans-serif; font-size: 8.5pt }
    h1 { font-family: sans-serif; font-size: 14pt; text-align: center; margin: 9pt 0 7pt 0 }
    p.subj { font-weight: bold; text-decoration: underline; margin: 6pt 0 6pt 0 }
    table.hdr { width: 100%; border-collapse: collapse; margin-bottom: 6pt }
    table.hdr td { padding: 2pt 4pt; font-size: ${layout.fontSize - 0.5}pt }
    table.table { border: 1pt solid black }
    table.table td { border: 0.5pt solid black }
    table.boxed td { border: 0.5pt solid black }
    table.boxed td.l { background-color: #d8d8d8 }
    table.form td { padding: 5pt 4pt 3pt 4pt }
    td.l { font-weight: bold; width: 19% }
    td.v { width: 31% }
    table.stacked { border: 1pt solid black }
    table.stacked td { border: 0.5pt solid black; width: 33% }
    .sl { font-size: 7.5pt; font-weight: bold }
    .sv { font-size: ${layout.fontSize}pt }
    .dense p { margin: 0; font-weight: bold }
    .dense { border-top: 1pt solid black; border-bottom: 1pt solid black; padding: 2pt 0; margin: 6pt 0 8pt 0 }
    p.ldate { margin: 10pt 0 10pt 0 }
    table.re td { padding: 0 6pt 0 0 }
    table.re td.l { width: auto }
    h2 { font-family: sans-serif; font-size: ${layout.fontSize}pt; font-weight: bold; margin: 8pt 0 2pt 0 }
    p { margin: 0 0 3pt 0; text-align: left }
    p.li { margin: 0 0 1pt 12pt }
    table.labs { width: 100%; border-collapse: collapse; font-size: ${layout.fontSize - 0.5}pt }
    table.labs th { text-align: left; border-bottom: 1pt solid black; padding: 2pt 3pt }
    table.labs td { padding: 2pt 3pt; border-bottom: 0.3pt solid #888888 }
    .n { text-align: right }
    .sig { margin-top: 14pt }
    p.sigline { margin-top: 14pt }
    .hw { color: #ffffff }
    .box { font-family: sans-serif }
    .cont { font-family: sans-serif; font-size: 9pt; font-style: italic; margin-bottom: 4pt }`;

  return {
    css,
    top,
    sections: intake ? [] : spec.sections,
    ...(intake ? { intakeBody: intakeHtml(spec, layout, hw, rng) } : {}),
    tail,
    hands,
    fields,
    printed,
    ...(running ? { running } : {}),
    ...(footerLeft ? { footerLeft } : {}),
    ...(faxLine ? { faxLine } : {}),
    ...(stamp ? { stamp } : {}),
  };
}

const HISTORY = [
  "Diabetes",
  "High blood pressure",
  "Asthma / COPD",
  "Heart disease",
  "High cholesterol",
  "Depression / anxiety",
  "Thyroid disease",
  "Kidney disease",
  "Cancer",
  "Arthritis",
];
const HISTORY_MATCH = [
  /diabet/i,
  /hypertens|blood pressure/i,
  /asthma|copd|pulmonary/i,
  /heart|coronary|cardiac|atrial/i,
  /lipid|cholest/i,
  /depress|anxiety/i,
  /thyroid/i,
  /kidney|renal/i,
  /cancer|neoplasm|carcinoma/i,
  /arthritis|osteoarth/i,
];

function intakeHtml(
  spec: ChartSpec,
  layout: Layout,
  hw: (t: string, k?: HandSlot["kind"], rule?: number) => string,
  rng: () => number,
): string {
  const hand = (t: string) =>
    layout.handwritten ? hw(t.length > 42 ? `${t.slice(0, 40)}.` : t, "value", 0) : esc(t);
  const dx = spec.diagnoses.map((d) => d.text).join(" ");
  const checks = HISTORY.map(
    (h, i) =>
      `${HISTORY_MATCH[i]?.test(dx) ? (layout.handwritten ? `[${hw("X")}]` : "[X]") : "[&#160;&#160;]"} ${esc(h)}`,
  );
  const rows: string[] = [];
  for (let i = 0; i < checks.length; i += 2)
    rows.push(`<tr><td>${checks[i]}</td><td>${checks[i + 1] ?? ""}</td></tr>`);
  const contact =
    [
      "Maria Alvarez (sister)",
      "John Whitaker (spouse)",
      "Dana Brooks (daughter)",
      "Luis Romero (son)",
      "Ellen Park (friend)",
    ][Math.floor(rng() * 5)] ?? "";
  const carrier =
    ["Blue Harbor Health Plan", "Commonwealth Care Alliance", "Medicare Part B", "Pioneer Mutual Health"][
      Math.floor(rng() * 4)
    ] ?? "";
  const member = `${String.fromCharCode(65 + Math.floor(rng() * 26))}${String.fromCharCode(65 + Math.floor(rng() * 26))}${String(Math.floor(rng() * 1e9)).padStart(9, "0")}`;
  return [
    `<h2>REASON FOR TODAY'S VISIT:</h2><p>${hand(`Follow-up ${spec.diagnoses[0]?.text.toLowerCase() ?? "annual physical"}`)}</p>`,
    `<h2>MEDICAL HISTORY (check all that apply):</h2><table class="hist">${rows.join("")}</table>`,
    `<h2>CURRENT MEDICATIONS:</h2>${spec.medications
      .slice(0, 5)
      .map((m, i) => `<p class="li">${i + 1}. ${hand(m)}</p>`)
      .join("")}`,
    `<h2>ALLERGIES:</h2><p>${hand(spec.allergies.length ? spec.allergies.join(", ") : "None known")}</p>`,
    `<h2>EMERGENCY CONTACT:</h2><p>${hand(`${contact} (508) 555-0${String(100 + Math.floor(rng() * 899))}`)}</p>`,
    `<h2>INSURANCE:</h2><p>Carrier: ${hand(carrier)} &#160;&#160; Member ID: ${hand(member)}</p>`,
  ].join("");
}

const xhtml = (css: string, inner: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><html xmlns="http://www.w3.org/1999/xhtml"><head><style>${css}</style></head><body>${inner}</body></html>`;

function openHtml(html: string, width: number, height: number, fontSize: number): mupdf.Document {
  const doc = mupdf.Document.openDocument(Buffer.from(html, "utf8"), "application/xhtml+xml");
  doc.layout(width, height, fontSize);
  return doc;
}

interface Placement {
  doc: mupdf.Document;
  index: number;
  x: number;
  y: number;
}

/** Height of the laid-out content on page 0 (points), found from its text lines. */
function contentHeight(doc: mupdf.Document): number {
  let bottom = 0;
  doc
    .loadPage(0)
    .toStructuredText("")
    .walk({
      beginLine(bbox) {
        bottom = Math.max(bottom, bbox[3]);
      },
    });
  return bottom;
}

/** Lays the document out; returns one list of placements per physical page. */
function plan(
  built: Built,
  layout: Layout,
  sections: ChartSection[],
  spec: ChartSpec,
  minPages: number,
): Placement[][] {
  const bodyParts =
    built.intakeBody !== undefined ? [built.intakeBody] : sections.map((s) => sectionHtml(spec, s));
  if (layout.columns === 2) {
    const topDoc = openHtml(xhtml(built.css, built.top), BODY_W, 2000, layout.fontSize);
    const topH = contentHeight(topDoc) + 10;
    const colW = (BODY_W - GUTTER) / 2;
    const colH = BODY_H - topH;
    const body = openHtml(xhtml(built.css, bodyParts.join("") + built.tail), colW, colH, layout.fontSize);
    const n = body.countPages();
    const pages: Placement[][] = [];
    for (let i = 0; i < n; i += 2) {
      const page: Placement[] = i === 0 ? [{ doc: topDoc, index: 0, x: MARGIN_X, y: BODY_TOP }] : [];
      page.push({ doc: body, index: i, x: MARGIN_X, y: BODY_TOP + topH });
      if (i + 1 < n) page.push({ doc: body, index: i + 1, x: MARGIN_X + colW + GUTTER, y: BODY_TOP + topH });
      pages.push(page);
    }
    return pages;
  }
  // One column: the whole flow, split into `chunks` runs that each start a new page when more pages are wanted.
  for (let chunks = 1; ; chunks++) {
    const n = Math.max(1, Math.min(chunks, bodyParts.length));
    const runs: string[][] = [[]];
    const total = bodyParts.reduce((a, s) => a + s.length, 0);
    let acc = 0;
    for (const s of bodyParts) {
      const current = runs[runs.length - 1] as string[];
      if (current.length > 0 && runs.length < n && acc >= (total * runs.length) / n) runs.push([s]);
      else current.push(s);
      acc += s.length;
    }
    const pages: Placement[][] = [];
    const title = titleFor(layout, spec.documentType);
    runs.forEach((run, i) => {
      const head = i === 0 ? built.top : `<p class="cont">${esc(title)} (continued)</p>`;
      const doc = openHtml(
        xhtml(built.css, head + run.join("") + (i === runs.length - 1 ? built.tail : "")),
        BODY_W,
        BODY_H,
        layout.fontSize,
      );
      for (let k = 0; k < doc.countPages(); k++) pages.push([{ doc, index: k, x: MARGIN_X, y: BODY_TOP }]);
    });
    if (pages.length >= minPages || n >= bodyParts.length) return pages;
  }
}

/** Removes text until it fits: the last paragraph of the longest free-text section (a section goes when empty). */
function trimmed(sections: ChartSection[]): ChartSection[] | undefined {
  let best = -1;
  let bestLen = 0;
  sections.forEach((s, i) => {
    if (s.kind !== "text") return;
    const len = s.paragraphs.reduce((a, p) => a + p.length, 0) + 1;
    if (len > bestLen) {
      bestLen = len;
      best = i;
    }
  });
  if (best < 0) return undefined;
  const s = sections[best] as Extract<ChartSection, { kind: "text" }>;
  const out = [...sections];
  const last = s.paragraphs[s.paragraphs.length - 1] ?? "";
  if (s.paragraphs.length > 1) out[best] = { ...s, paragraphs: s.paragraphs.slice(0, -1) };
  else if (last.length > 400) {
    // Cut a long single paragraph at a sentence boundary about halfway.
    const cut = last.indexOf(". ", Math.floor(last.length / 2));
    if (cut > 0) out[best] = { ...s, paragraphs: [last.slice(0, cut + 1)] };
    else out.splice(best, 1);
  } else out.splice(best, 1);
  return out;
}

const fonts = new Map<string, mupdf.Font>();
function font(name: string): mupdf.Font {
  let f = fonts.get(name);
  if (!f) {
    f = new mupdf.Font(name);
    fonts.set(name, f);
  }
  return f;
}

function overlayFont(layout: Layout): mupdf.Font {
  return font(
    layout.font === "monospace" ? "Courier" : layout.font === "serif" ? "Times-Roman" : "Helvetica",
  );
}

function drawString(
  dev: mupdf.Device,
  ctm: mupdf.Matrix,
  f: mupdf.Font,
  str: string,
  x: number,
  y: number,
  size: number,
  align: "left" | "right" | "center",
  gray = 0,
  alpha = 1,
) {
  const probe = new mupdf.Text();
  const width = probe.showString(f, [size, 0, 0, -size, 0, 0], str)[4];
  const left = align === "left" ? x : align === "right" ? x - width : x - width / 2;
  const text = new mupdf.Text();
  text.showString(f, [size, 0, 0, -size, left, y], str);
  dev.fillText(text, ctm, mupdf.ColorSpace.DeviceGray, [gray], alpha);
}

/** Emulated handwriting: Nimbus Roman Italic, glyph by glyph, with jitter, extra slant and a pen-weight stroke. */
function drawHandwriting(
  dev: mupdf.Device,
  ctm: mupdf.Matrix,
  str: string,
  x: number,
  baseline: number,
  size: number,
  rng: () => number,
  signature: boolean,
) {
  const f = font("Times-Italic");
  const text = new mupdf.Text();
  const slant = signature ? 0.35 : 0.22;
  let cx = x;
  let drift = 0;
  const s0 = size * (signature ? 1.9 : 1.15);
  for (const ch of str) {
    const s = s0 * (0.92 + rng() * 0.16);
    drift += (rng() - 0.5) * (signature ? 1.2 : 0.5);
    drift = Math.max(-2, Math.min(2, drift));
    const angle = (rng() - 0.5) * (signature ? 14 : 8);
    const gid = f.encodeCharacter(ch.codePointAt(0) ?? 32);
    let m: mupdf.Matrix = [1, 0, slant, 1, 0, 0];
    m = mupdf.Matrix.concat(m, mupdf.Matrix.scale(s, -s));
    m = mupdf.Matrix.concat(m, mupdf.Matrix.rotate(angle));
    m = mupdf.Matrix.concat(m, mupdf.Matrix.translate(cx, baseline + drift));
    text.showGlyph(f, m, gid, ch.codePointAt(0) ?? 32);
    cx += f.advanceGlyph(gid) * s * (signature ? 0.82 : 0.98) + (rng() - 0.3) * 0.6;
  }
  const ink: mupdf.Color = [0.1 + rng() * 0.15];
  const pen = new mupdf.StrokeState({
    lineCap: "Round",
    lineJoin: "Round",
    lineWidth: signature ? 0.7 : 0.45,
    miterLimit: 10,
  });
  dev.fillText(text, ctm, mupdf.ColorSpace.DeviceGray, ink, 1);
  dev.strokeText(text, pen, ctm, mupdf.ColorSpace.DeviceGray, ink, 1);
  if (signature) {
    // A flourish under the name.
    const path = new mupdf.Path();
    path.moveTo(x - 4, baseline + 4);
    path.curveTo(
      x + (cx - x) * 0.3,
      baseline + 9,
      x + (cx - x) * 0.7,
      baseline + 1,
      cx + 8,
      baseline + 3 + rng() * 3,
    );
    dev.strokePath(path, pen, ctm, mupdf.ColorSpace.DeviceGray, ink, 1);
  }
}

function drawStamp(
  dev: mupdf.Device,
  ctm: mupdf.Matrix,
  stamp: NonNullable<Built["stamp"]>,
  rng: () => number,
) {
  const bold = font("Helvetica-Bold");
  const cx = 330 + rng() * 170;
  const cy = 150 + rng() * 200;
  const angle = -(8 + rng() * 14) * (rng() < 0.7 ? 1 : -1);
  const big = stamp.word === "COPY" ? 42 : 22;
  const width = new mupdf.Text().showString(bold, [big, 0, 0, -big, 0, 0], stamp.word)[4] + 20;
  const height = stamp.date ? big + 34 : big + 14;
  let m = mupdf.Matrix.rotate(angle);
  m = mupdf.Matrix.concat(m, mupdf.Matrix.translate(cx, cy));
  const local = mupdf.Matrix.concat(m, ctm);
  const gray: [number] = [0.25 + rng() * 0.15];
  const alpha = 0.55 + rng() * 0.2;
  const pen = new mupdf.StrokeState({ lineCap: "Butt", lineJoin: "Miter", lineWidth: 2.2, miterLimit: 10 });
  const box = new mupdf.Path();
  box.rect(-width / 2, -height / 2, width / 2, height / 2);
  dev.strokePath(box, pen, local, mupdf.ColorSpace.DeviceGray, gray, alpha);
  if (stamp.word !== "COPY") {
    const inner = new mupdf.Path();
    inner.rect(-width / 2 + 3, -height / 2 + 3, width / 2 - 3, height / 2 - 3);
    dev.strokePath(
      inner,
      new mupdf.StrokeState({ lineCap: "Butt", lineJoin: "Miter", lineWidth: 0.8, miterLimit: 10 }),
      local,
      mupdf.ColorSpace.DeviceGray,
      gray,
      alpha,
    );
  }
  const textY = stamp.date ? -height / 2 + big + 5 : big / 2 - 4;
  drawString(dev, local, bold, stamp.word, 0, textY, big, "center", gray[0], alpha);
  if (stamp.date) {
    drawString(dev, local, bold, stamp.date, 0, textY + 14, 11, "center", gray[0], alpha);
    if (stamp.sub)
      drawString(dev, local, font("Helvetica"), stamp.sub, 0, textY + 24, 6.5, "center", gray[0], alpha);
  }
}

interface HandRun {
  text: string;
  x0: number;
  x1: number;
  baseline: number;
  size: number;
}

/** Finds the white (reserved) handwriting runs on a laid-out page, in page coordinates of that layout. */
function handRuns(doc: mupdf.Document, index: number): HandRun[] {
  const runs: HandRun[] = [];
  let cur: HandRun | undefined;
  const flush = () => {
    if (cur && cur.text.trim()) runs.push({ ...cur, text: cur.text.replaceAll("\u00a0", " ").trim() });
    cur = undefined;
  };
  doc
    .loadPage(index)
    .toStructuredText("")
    .walk({
      beginLine: flush,
      endLine: flush,
      onChar(c, origin, _font, size, quad, color) {
        const white = color.length > 0 && color.every((v) => v >= 0.999);
        if (!white) return flush();
        const x0 = Math.min(quad[0], quad[4]);
        const x1 = Math.max(quad[2], quad[6]);
        if (!cur) cur = { text: "", x0, x1, baseline: origin[1], size };
        cur.text += c;
        cur.x1 = Math.max(cur.x1, x1);
      },
    });
  flush();
  return runs;
}

/** Typesets, lays out and rasterizes one document in its layout (clean: no skew, white paper). */
export function renderLayoutDocument(
  doc: LayoutDocument,
  options: RenderLayoutOptions = {},
): RenderedDocument {
  const dpi = options.dpi ?? 200;
  const { spec, layout } = doc;
  const built = build(doc);
  const maxPages = options.maxPages ?? 3;
  const minPages = Math.min(options.minPages ?? 1, maxPages);
  let sections = built.sections;
  let pages = plan(built, layout, sections, spec, minPages);
  while (pages.length > maxPages) {
    const next = trimmed(sections);
    if (!next) break;
    sections = next;
    pages = plan(built, layout, sections, spec, minPages);
  }
  if (pages.length > maxPages) pages = pages.slice(0, maxPages);

  const width = Math.round((PAGE_W / 72) * dpi);
  const height = Math.round((PAGE_H / 72) * dpi);
  const ctm = mupdf.Matrix.scale(dpi / 72, dpi / 72);
  const total = pages.length;
  const of = overlayFont(layout);
  const unusedHands = [...built.hands];
  const out = pages.map((placements, pageIndex) => {
    const rng = mulberry32((spec.seed ^ 0x4a11d) + pageIndex * 7919);
    const pix = new mupdf.Pixmap(mupdf.ColorSpace.DeviceGray, [0, 0, width, height], false);
    pix.clear(255);
    const dev = new mupdf.DrawDevice(mupdf.Matrix.identity, pix);
    for (const pl of placements) {
      const at = mupdf.Matrix.concat(mupdf.Matrix.translate(pl.x, pl.y), ctm);
      pl.doc.loadPage(pl.index).run(dev, at);
      for (const run of handRuns(pl.doc, pl.index)) {
        const slotIndex = unusedHands.findIndex((h) => h.text === run.text);
        const slot = slotIndex >= 0 ? unusedHands.splice(slotIndex, 1)[0] : undefined;
        const kind = slot?.kind ?? "value";
        if (slot && slot.rule > 0) {
          const rule = new mupdf.Path();
          rule.moveTo(run.x0 - 2, run.baseline + 2.5);
          rule.lineTo(Math.max(run.x1 + 6, run.x0 + slot.rule), run.baseline + 2.5);
          dev.strokePath(
            rule,
            new mupdf.StrokeState({ lineCap: "Butt", lineJoin: "Miter", lineWidth: 0.6, miterLimit: 10 }),
            at,
            mupdf.ColorSpace.DeviceGray,
            [0],
            1,
          );
        }
        drawHandwriting(
          dev,
          at,
          run.text,
          run.x0 + 1,
          run.baseline - (kind === "value" && slot?.rule ? 1 : 0),
          run.size,
          rng,
          kind === "signature",
        );
      }
    }
    if (built.faxLine)
      drawString(
        dev,
        ctm,
        font("Courier"),
        `${built.faxLine}  P.${String(pageIndex + 1).padStart(3, "0")}/${String(total).padStart(3, "0")}`,
        30,
        20,
        8,
        "left",
      );
    if (built.running) {
      drawString(dev, ctm, of, built.running, MARGIN_X, 42, 8.5, "left");
      drawString(dev, ctm, of, titleFor(layout, spec.documentType), PAGE_W - MARGIN_X, 42, 8.5, "right");
    } else if (pageIndex > 0 && layout.header !== "letter") {
      const p = spec.patient;
      drawString(
        dev,
        ctm,
        of,
        `${formatName(p.firstName, p.lastName, layout.nameFormat).printed}   ${layout.labels.mrn ? `${layout.labels.mrn} ${p.mrn}` : ""}`,
        MARGIN_X,
        42,
        8.5,
        "left",
      );
    }
    if (built.footerLeft) drawString(dev, ctm, of, built.footerLeft, MARGIN_X, PAGE_H - 32, 7.5, "left");
    if (layout.footer !== "none")
      drawString(
        dev,
        ctm,
        of,
        `Page ${pageIndex + 1} of ${total}`,
        PAGE_W - MARGIN_X,
        PAGE_H - 32,
        8.5,
        "right",
      );
    if (pageIndex === 0 && built.stamp) drawStamp(dev, ctm, built.stamp, rng);
    dev.close();
    const pixels = new Uint8Array(pix.getPixels());
    pix.destroy();
    return { width, height, dpi, pixels };
  });
  return { pages: out, fields: built.fields, printed: built.printed };
}

/** A blank sheet (a scanned empty back side) or a batch separator sheet, clean. */
export function renderSeparatorPage(kind: "blank" | "separator", dpi: number, seed: number): GrayPage {
  const width = Math.round((PAGE_W / 72) * dpi);
  const height = Math.round((PAGE_H / 72) * dpi);
  const pix = new mupdf.Pixmap(mupdf.ColorSpace.DeviceGray, [0, 0, width, height], false);
  pix.clear(255);
  if (kind === "separator") {
    const rng = mulberry32(seed ^ 0x5e9a);
    const ctm = mupdf.Matrix.scale(dpi / 72, dpi / 72);
    const dev = new mupdf.DrawDevice(mupdf.Matrix.identity, pix);
    drawString(dev, ctm, font("Helvetica-Bold"), "DOCUMENT SEPARATOR", PAGE_W / 2, 300, 30, "center");
    drawString(
      dev,
      ctm,
      font("Helvetica"),
      "Scan this sheet between documents. Do not remove.",
      PAGE_W / 2,
      330,
      12,
      "center",
    );
    // A barcode-like band of bars.
    let x = 156;
    while (x < 456) {
      const w = 1 + Math.floor(rng() * 3);
      const bar = new mupdf.Path();
      bar.rect(x, 380, x + w, 450);
      dev.fillPath(bar, false, ctm, mupdf.ColorSpace.DeviceGray, [0], 1);
      x += w + 1 + Math.floor(rng() * 3);
    }
    drawString(
      dev,
      ctm,
      font("Courier"),
      `*SEP-${String(100000 + Math.floor(rng() * 900000))}*`,
      PAGE_W / 2,
      468,
      11,
      "center",
    );
    dev.close();
  }
  const pixels = new Uint8Array(pix.getPixels());
  pix.destroy();
  return { width, height, dpi, pixels };
}
