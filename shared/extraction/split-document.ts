/**
 * Splitting one uploaded file into the logical documents it holds (a vendor scans a stack: several
 * documents, even several patients, in one PDF). Pure: no I/O.
 *
 * Pages are read once (one DocModel) and walked in order. Blank pages and separator sheets are set aside;
 * every other page either continues the current document or starts a new one. Checked in this order, the
 * first that applies decides:
 *
 *  1. new-patient      — the page's header/footer names a patient (name, DOB or MRN, read with the same
 *                        field rules as extraction) that conflicts with the current document's identity.
 *                        Always splits, whatever else the page says: a chart filed under the wrong patient is
 *                        the worst outcome. Running headers repeating the same patient, and a name one OCR
 *                        slip away, do not conflict; a field missing on either side is no evidence.
 *  2. after-separator  — a separator sheet came before the page; or blank page(s) did and the page is not a
 *                        numbered continuation ("Page 3 of 4" after "Page 2 of 4", which bridges a blank back
 *                        page of a duplex scan; the blank is then inside the range).
 *  3. (continuation)   — "Page n of m" with n > 1 continuing the current document's numbering (same m, higher
 *                        n, previous page not the last): stays, whatever title it shows.
 *  4. new-title        — a document title (the classifier's title patterns) in the top lines of the page,
 *                        unless it is the current document's own title repeated as a running header (same
 *                        wording, and no different date of service in the header).
 *  5. page-numbering   — the numbering restarts ("Page 1 of …") or does not continue (other total, n not
 *                        higher, previous page was "m of m").
 *  6. otherwise the page continues the current document (body-only pages, unnumbered pages).
 *
 * Ranges: 1-based, inclusive, in order, non-overlapping. Blank and separator pages are not part of any range
 * unless they sit inside a numbered continuation. A file without content pages gives one range covering all
 * pages (reason "start"); a file without pages gives no range.
 */
import type { DocModel, PageModel } from "./model/document-model";
import {
  hasIdentity,
  identityConflict,
  mergeIdentity,
  readIdentity,
  type PageIdentity,
} from "./split/identity";
import { isBlankPage, isSeparatorPage, pageNumbering, type PageNumbering } from "./split/page-signals";
import { pageTitle, type PageTitle } from "./split/titles";

export type SplitReason = "start" | "new-patient" | "new-title" | "after-separator" | "page-numbering";

export interface DocumentRange {
  /** First and last page, 1-based, inclusive. */
  pages: [number, number];
  /** Why a document starts at `pages[0]`. */
  reason: SplitReason;
}

export interface SplitOptions {
  /** "Now" for two-digit years in header dates (DOB). Default: the current date. */
  referenceDate?: Date;
}

interface PageSignals {
  identity: PageIdentity;
  numbering: PageNumbering | undefined;
  title: PageTitle | undefined;
}

interface OpenDocument {
  range: DocumentRange;
  identity: PageIdentity;
  /** The title on the document's first page, if it had one. */
  title: PageTitle | undefined;
  /** The last page numbering printed in the document. */
  numbering: PageNumbering | undefined;
}

/** Page ranges of the logical documents in a file's model. */
export function splitDocuments(model: DocModel, opts: SplitOptions = {}): DocumentRange[] {
  const referenceDate = opts.referenceDate ?? new Date();
  const byNumber = new Map<number, PageModel>();
  let total = model.pageCount;
  for (const p of model.pages) {
    if (!byNumber.has(p.number)) byNumber.set(p.number, p);
    total = Math.max(total, p.number);
  }

  const ranges: DocumentRange[] = [];
  let current: OpenDocument | undefined;
  let gap: "blank" | "separator" | undefined;
  const identities = new Map<string, PageIdentity>();

  for (let n = 1; n <= total; n++) {
    const page = byNumber.get(n);
    if (isBlankPage(page)) {
      gap ??= "blank";
      continue;
    }
    if (isSeparatorPage(page)) {
      gap = "separator";
      continue;
    }
    const signals: PageSignals = {
      identity: readIdentity(page as PageModel, referenceDate, identities),
      numbering: pageNumbering(page as PageModel),
      title: pageTitle(page as PageModel),
    };
    const reason = current ? boundary(current, signals, gap) : "start";
    gap = undefined;
    if (reason || !current) {
      current = {
        range: { pages: [n, n], reason: reason ?? "start" },
        identity: signals.identity,
        title: signals.title,
        numbering: signals.numbering,
      };
      ranges.push(current.range);
    } else {
      current.range.pages[1] = n;
      current.identity = mergeIdentity(current.identity, signals.identity);
      current.numbering = signals.numbering ?? current.numbering;
    }
  }

  if (!ranges.length && total > 0) return [{ pages: [1, total], reason: "start" }];
  return ranges;
}

/** Why `page` starts a new document after `doc`, or undefined if it continues it. */
function boundary(
  doc: OpenDocument,
  page: PageSignals,
  gap: "blank" | "separator" | undefined,
): SplitReason | undefined {
  if (hasIdentity(page.identity) && identityConflict(doc.identity, page.identity)) return "new-patient";
  if (gap === "separator") return "after-separator";

  const num = page.numbering;
  const continues = num !== undefined && num.n > 1 && numberingContinues(doc.numbering, num);
  if (gap === "blank" && !continues) return "after-separator";
  if (continues) return undefined;

  if (page.title && !isRunningTitle(doc, page)) return "new-title";
  if (num && (num.n === 1 || !numberingContinues(doc.numbering, num))) return "page-numbering";
  return undefined;
}

/** Does "Page n of m" follow the document's last printed numbering? (Unnumbered so far: any n > 1 does.) */
function numberingContinues(last: PageNumbering | undefined, num: PageNumbering): boolean {
  if (num.n <= 1) return false;
  if (!last) return true;
  if (num.n <= last.n) return false;
  if (last.of !== undefined && last.n >= last.of) return false;
  return last.of === undefined || num.of === undefined || num.of === last.of;
}

/** The document's own title printed again on a continuation page, not a new note with the same title. */
function isRunningTitle(doc: OpenDocument, page: PageSignals): boolean {
  if (!doc.title || !page.title || doc.title.text !== page.title.text) return false;
  const a = doc.identity.dateOfService;
  const b = page.identity.dateOfService;
  return !(a && b && a !== b);
}
