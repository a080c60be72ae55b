import * as mupdf from "mupdf";
import { DOCUMENT_TYPES } from "../../shared/domain/document-types";
import { mulberry32, usDate, type ChartSection, type ChartSpec } from "./chart-spec";
import { withPngResolution } from "./png-resolution";
import { encodeTiff, type GrayPage } from "./tiff";

/**
 * Renders a ChartSpec as a scanned paper chart.
 *
 * The text is typeset by MuPDF's HTML/CSS layout engine (built-in Nimbus fonts) into the body area of a US
 * Letter page; the running header (pages 2+) and the "Page i of N" footer are drawn on top. Each page is then
 * rasterized in grayscale the way a document scanner would: slightly rotated, grey paper, toner-grey ink and
 * a few specks of dust. Everything derives from the spec (and its seed), so the same spec gives the same bytes.
 */

export interface RenderOptions {
  /** Scan resolution; default 200. */
  dpi?: number;
}

/** One rasterized page: 8-bit grayscale, `width` bytes per row. */
/** A rasterized page (the TIFF writer's page type). */
export type ScannedPage = GrayPage;

const PAGE_W = 612; // US Letter, points
const PAGE_H = 792;
const MARGIN_X = 54;
const BODY_TOP = 62;
const BODY_BOTTOM = 60;
const BODY_W = PAGE_W - 2 * MARGIN_X;
const BODY_H = PAGE_H - BODY_TOP - BODY_BOTTOM;

const TITLES: Record<ChartSpec["documentType"], string> = {
  discharge_summary: "DISCHARGE SUMMARY",
  history_and_physical: "HISTORY AND PHYSICAL",
  progress_note: "PROGRESS NOTE",
  consult_note: "CONSULTATION NOTE",
  operative_report: "OPERATIVE REPORT",
  lab_report: "LABORATORY REPORT",
  radiology_report: "RADIOLOGY REPORT",
  medication_list: "MEDICATION LIST",
  patient_intake_form: "PATIENT INTAKE FORM",
  authorization_form: "AUTHORIZATION FOR RELEASE OF INFORMATION",
  insurance_claim: "INSURANCE CLAIM SUMMARY",
  other: DOCUMENT_TYPES.other.display.toUpperCase(),
};

const BODY_FONTS = ["serif", "sans-serif", "serif", "monospace", "sans-serif"];

export function esc(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

function fontFor(spec: ChartSpec): string {
  let h = 0;
  for (const ch of spec.facility.name) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return BODY_FONTS[h % BODY_FONTS.length] ?? "serif";
}

function providerLabel(spec: ChartSpec): string {
  if (spec.documentType === "lab_report" || spec.documentType === "radiology_report")
    return "Ordering Physician:";
  if (spec.documentType === "operative_report") return "Surgeon:";
  return "Attending:";
}

function headerBlock(spec: ChartSpec): string {
  const p = spec.patient;
  const row = (a: string, av: string, b: string, bv: string) =>
    `<tr><td class="l">${a}</td><td class="v">${esc(av)}</td><td class="l">${b}</td><td class="v">${esc(bv)}</td></tr>`;
  const rows = [
    row("Patient Name:", p.name, "MRN:", p.mrn),
    row("DOB:", usDate(p.dob), "Sex:", p.sex === "female" ? "Female" : "Male"),
    row("Date of Service:", usDate(spec.dateOfService), providerLabel(spec), spec.provider),
  ];
  if (spec.admissionDate && spec.dischargeDate)
    rows.push(
      row("Admission Date:", usDate(spec.admissionDate), "Discharge Date:", usDate(spec.dischargeDate)),
    );
  return `<table class="hdr">${rows.join("")}</table>`;
}

/** A body section as XHTML (shared by every layout). */
export function sectionHtml(spec: ChartSpec, section: ChartSection): string {
  const h = `<h2>${esc(section.heading)}:</h2>`;
  switch (section.kind) {
    case "text":
      return h + section.paragraphs.map((p) => `<p>${esc(p)}</p>`).join("");
    case "diagnoses":
      return (
        h +
        spec.diagnoses
          .map((d, i) => `<p class="li">${i + 1}. ${esc(d.text)} (ICD-10: ${esc(d.code)})</p>`)
          .join("")
      );
    case "medications":
      return h + spec.medications.map((m, i) => `<p class="li">${i + 1}. ${esc(m)}</p>`).join("");
    case "allergies":
      return (
        h +
        (spec.allergies.length
          ? `<p>${esc(spec.allergies.join(", "))}</p>`
          : "<p>No known drug allergies.</p>")
      );
    case "labs": {
      const rows = (spec.labResults ?? [])
        .map(
          (r) =>
            `<tr><td>${esc(r.test)}</td><td class="n">${esc(r.value)}</td><td>${r.flag ?? ""}</td><td>${esc(r.units)}</td><td>${esc(r.range)}</td></tr>`,
        )
        .join("");
      return `${h}<table class="labs"><tr><th>Test</th><th class="n">Result</th><th>Flag</th><th>Units</th><th>Reference Range</th></tr>${rows}</table>`;
    }
  }
}

function signature(spec: ChartSpec): string {
  const verb = spec.documentType === "lab_report" ? "Reviewed" : "Electronically signed";
  const time = `${String(9 + (spec.seed % 8)).padStart(2, "0")}:${String((spec.seed * 7) % 60).padStart(2, "0")}`;
  return `<div class="sig"><p>${verb} by: ${esc(spec.provider)}</p><p>Date/Time: ${usDate(spec.dischargeDate ?? spec.dateOfService)} ${time}</p></div>`;
}

/** The chart body as XHTML chunks; each chunk starts on a new page (MuPDF's layout ignores CSS page breaks). */
export function chartHtml(spec: ChartSpec, chunks = 1): string[] {
  const f = spec.facility;
  const css = `
    @page { margin: 0 }
    body { margin: 0; font-family: ${fontFor(spec)}; font-size: 10pt; line-height: 1.3 }
    .lh { text-align: center; border-bottom: 1.5pt solid black; padding-bottom: 4pt }
    .fac { font-family: sans-serif; font-size: 15pt; font-weight: bold }
    .addr { font-family: sans-serif; font-size: 8.5pt }
    h1 { font-family: sans-serif; font-size: 14pt; text-align: center; margin: 9pt 0 7pt 0 }
    table.hdr { width: 100%; border-collapse: collapse; border: 1pt solid black; margin-bottom: 4pt }
    table.hdr td { padding: 2pt 4pt; font-size: 9.5pt; border: 0.5pt solid black }
    td.l { font-weight: bold; width: 17% }
    td.v { width: 33% }
    h2 { font-family: sans-serif; font-size: 10pt; font-weight: bold; margin: 8pt 0 2pt 0 }
    p { margin: 0 0 3pt 0; text-align: left }
    p.li { margin: 0 0 1pt 12pt }
    table.labs { width: 100%; border-collapse: collapse; font-size: 9.5pt }
    table.labs th { text-align: left; border-bottom: 1pt solid black; padding: 2pt 3pt }
    table.labs td { padding: 2pt 3pt; border-bottom: 0.3pt solid #888888 }
    .n { text-align: right }
    .sig { margin-top: 16pt }
    .cont { font-family: sans-serif; font-size: 9pt; font-style: italic; margin-bottom: 4pt }`;
  const letterhead = `<div class="lh"><div class="fac">${esc(f.name)}</div><div class="addr">${esc(f.street)}, ${esc(f.city)}, ${f.state} ${f.zip} &#183; Tel ${esc(f.phone)}</div></div>`;
  const body = spec.sections.map((s) => sectionHtml(spec, s));
  // Split the sections into `chunks` runs of about equal length.
  const n = Math.max(1, Math.min(chunks, body.length));
  const total = body.reduce((a, s) => a + s.length, 0);
  const runs: string[][] = [[]];
  let acc = 0;
  for (const s of body) {
    const current = runs[runs.length - 1] as string[];
    if (current.length > 0 && runs.length < n && acc >= (total * runs.length) / n) runs.push([s]);
    else current.push(s);
    acc += s.length;
  }
  const doc = (inner: string) =>
    `<?xml version="1.0" encoding="UTF-8"?><html xmlns="http://www.w3.org/1999/xhtml"><head><style>${css}</style></head><body>${inner}</body></html>`;
  return runs.map((run, i) => {
    const head =
      i === 0
        ? `${letterhead}<h1>${TITLES[spec.documentType]}</h1>${headerBlock(spec)}`
        : `<p class="cont">${TITLES[spec.documentType]} (continued)</p>`;
    const tail = i === runs.length - 1 ? signature(spec) : "";
    return doc(head + run.join("") + tail);
  });
}

interface LaidOutPage {
  doc: mupdf.Document;
  index: number;
}

function layOut(spec: ChartSpec): LaidOutPage[] {
  const want = spec.pages ?? 1;
  let pages: LaidOutPage[] = [];
  // Lay out as one flow; if that gives fewer pages than requested, start sections on new pages.
  for (let chunks = 1; chunks <= Math.max(1, spec.sections.length); chunks++) {
    pages = [];
    for (const html of chartHtml(spec, chunks)) {
      const doc = mupdf.Document.openDocument(Buffer.from(html, "utf8"), "application/xhtml+xml");
      doc.layout(BODY_W, BODY_H, 10);
      for (let i = 0; i < doc.countPages(); i++) pages.push({ doc, index: i });
    }
    if (pages.length >= want) break;
  }
  return pages;
}

let helvetica: mupdf.Font | undefined;

function drawString(
  dev: mupdf.Device,
  ctm: mupdf.Matrix,
  str: string,
  x: number,
  y: number,
  size: number,
  align: "left" | "right" | "center",
) {
  helvetica ??= new mupdf.Font("Helvetica");
  const probe = new mupdf.Text();
  const width = probe.showString(helvetica, [size, 0, 0, -size, 0, 0], str)[4];
  const left = align === "left" ? x : align === "right" ? x - width : x - width / 2;
  const text = new mupdf.Text();
  text.showString(helvetica, [size, 0, 0, -size, left, y], str);
  dev.fillText(text, ctm, mupdf.ColorSpace.DeviceGray, [0], 1);
}

/** How many pages the chart prints on. */
export function pageCountOf(spec: ChartSpec): number {
  return layOut(spec).length;
}

/** Typesets and scans every page of the chart. */
export function scanChart(spec: ChartSpec, options: RenderOptions = {}): ScannedPage[] {
  const dpi = options.dpi ?? 200;
  const pages = layOut(spec);
  const total = pages.length;
  const width = Math.round((PAGE_W / 72) * dpi);
  const height = Math.round((PAGE_H / 72) * dpi);
  return pages.map(({ doc, index }, pageIndex) => {
    const rng = mulberry32((spec.seed ^ 0x5ca11e) + pageIndex * 7919);
    // Scanner geometry: up to ±0.6° skew and a few points of offset.
    const angle = (rng() - 0.5) * 1.2;
    const dx = (rng() - 0.5) * 8;
    const dy = (rng() - 0.5) * 8;
    let ctm = mupdf.Matrix.translate(-PAGE_W / 2, -PAGE_H / 2);
    ctm = mupdf.Matrix.concat(ctm, mupdf.Matrix.rotate(angle));
    ctm = mupdf.Matrix.concat(ctm, mupdf.Matrix.translate(PAGE_W / 2 + dx, PAGE_H / 2 + dy));
    ctm = mupdf.Matrix.concat(ctm, mupdf.Matrix.scale(dpi / 72, dpi / 72));

    const pix = new mupdf.Pixmap(mupdf.ColorSpace.DeviceGray, [0, 0, width, height], false);
    pix.clear(255);
    const dev = new mupdf.DrawDevice(mupdf.Matrix.identity, pix);
    doc.loadPage(index).run(dev, mupdf.Matrix.concat(mupdf.Matrix.translate(MARGIN_X, BODY_TOP), ctm));
    const p = spec.patient;
    if (pageIndex > 0) {
      drawString(
        dev,
        ctm,
        `${p.lastName.toUpperCase()}, ${p.firstName}   MRN: ${p.mrn}   DOB: ${usDate(p.dob)}`,
        MARGIN_X,
        40,
        8.5,
        "left",
      );
      drawString(dev, ctm, TITLES[spec.documentType], PAGE_W - MARGIN_X, 40, 8.5, "right");
    }
    drawString(
      dev,
      ctm,
      `${spec.facility.name} - CONFIDENTIAL PATIENT INFORMATION`,
      MARGIN_X,
      PAGE_H - 34,
      7.5,
      "left",
    );
    drawString(dev, ctm, `Page ${pageIndex + 1} of ${total}`, PAGE_W - MARGIN_X, PAGE_H - 34, 8.5, "right");
    dev.close();

    const pixels = new Uint8Array(pix.getPixels());
    pix.destroy();
    degrade(pixels, width, height, rng);
    return { width, height, dpi, pixels };
  });
}

/** Paper tone, toner grey, ink texture and dust: cheap effects that keep the image compressible. */
function degrade(px: Uint8Array, width: number, height: number, rng: () => number) {
  const paper = 244 + Math.floor(rng() * 8);
  const ink = 18 + Math.floor(rng() * 25);
  const lut = new Uint8Array(256);
  for (let v = 0; v < 256; v++) lut[v] = Math.round(paper - ((paper - ink) * (255 - v)) / 255);
  let noise = Math.floor(rng() * 2 ** 31);
  for (let i = 0; i < px.length; i++) {
    const v = px[i] as number;
    if (v === 255) {
      px[i] = paper;
    } else {
      noise = (Math.imul(noise, 1103515245) + 12345) >>> 0;
      px[i] = Math.max(0, Math.min(255, (lut[v] as number) + ((noise >>> 16) % 25) - 12));
    }
  }
  const specks = 20 + Math.floor(rng() * 40);
  for (let s = 0; s < specks; s++) {
    const cx = Math.floor(rng() * width);
    const cy = Math.floor(rng() * height);
    const r = rng() < 0.8 ? 1 : 2;
    const tone = 60 + Math.floor(rng() * 120);
    for (let y = cy - r; y <= cy + r; y++)
      for (let x = cx - r; x <= cx + r; x++)
        if (x >= 0 && y >= 0 && x < width && y < height && (x - cx) ** 2 + (y - cy) ** 2 <= r * r)
          px[y * width + x] = tone;
  }
}

function toPixmap(page: ScannedPage, declaredDpi: number): mupdf.Pixmap {
  const pix = new mupdf.Pixmap(mupdf.ColorSpace.DeviceGray, [0, 0, page.width, page.height], false);
  pix.getPixels().set(page.pixels);
  pix.setResolution(declaredDpi, declaredDpi);
  return pix;
}

/**
 * The page as a PNG or JPEG file that declares `declaredDpi` (default: the page's true resolution; "none":
 * no resolution at all, as some scanner software and phone apps save them).
 */
export function encodePage(
  page: ScannedPage,
  as: "png" | "jpeg",
  quality: number,
  declaredDpi: number | "none" = page.dpi,
): Uint8Array {
  // A JFIF density of 0 reads as "unknown"; a PNG says nothing only without its pHYs chunk.
  const pix = toPixmap(page, declaredDpi === "none" ? 0 : declaredDpi);
  try {
    if (as === "jpeg") return new Uint8Array(pix.asJPEG(quality));
    const png = new Uint8Array(pix.asPNG());
    return declaredDpi === "none" ? new Uint8Array(withPngResolution(png, undefined)) : png;
  } finally {
    pix.destroy();
  }
}

/** One page (default the first) as a grayscale PNG. */
export function toPng(spec: ChartSpec, options: RenderOptions & { page?: number } = {}): Uint8Array {
  return encodePage(pickPage(scanChart(spec, options), options.page), "png", 0);
}

/** One page (default the first) as a grayscale JPEG. */
export function toJpeg(
  spec: ChartSpec,
  options: RenderOptions & { page?: number; quality?: number } = {},
): Uint8Array {
  return encodePage(pickPage(scanChart(spec, options), options.page), "jpeg", options.quality ?? 75);
}

/** All pages as a multi-page grayscale TIFF (LZW). */
export function toTiff(spec: ChartSpec, options: RenderOptions = {}): Uint8Array {
  return encodeTiff(scanChart(spec, options));
}

/** An image-only PDF, as a scanner produces: one JPEG image per page, no text layer. */
export function toPdf(spec: ChartSpec, options: RenderOptions & { quality?: number } = {}): Uint8Array {
  return encodeImagePdf(scanChart(spec, options), options.quality ?? 60);
}

/** An image-only PDF, as a scanner produces: one JPEG image per US Letter page, no text layer. */
export function encodeImagePdf(
  pages: readonly ScannedPage[],
  quality: number,
  declaredDpi?: number | "none",
): Uint8Array {
  const pdf = new mupdf.PDFDocument();
  try {
    for (const page of pages) {
      const image = new mupdf.Image(encodePage(page, "jpeg", quality));
      const ref = pdf.addImage(image);
      // The page is as large as the declared resolution makes the image: converters that know none make a
      // point of each pixel.
      const perPoint = (declaredDpi === "none" ? 72 : (declaredDpi ?? page.dpi)) / 72;
      const w = Math.round((page.width / perPoint) * 100) / 100;
      const h = Math.round((page.height / perPoint) * 100) / 100;
      const content = `q ${w} 0 0 ${h} 0 0 cm /Im0 Do Q`;
      pdf.insertPage(-1, pdf.addPage([0, 0, w, h], 0, { XObject: { Im0: ref } }, content));
      image.destroy();
    }
    return new Uint8Array(pdf.saveToBuffer("compress,garbage").asUint8Array());
  } finally {
    pdf.destroy();
  }
}

function pickPage(pages: ScannedPage[], page = 1): ScannedPage {
  const p = pages[page - 1];
  if (!p) throw new RangeError(`page ${page} out of range (1-${pages.length})`);
  return p;
}
