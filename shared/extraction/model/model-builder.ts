/**
 * Builds the document model from a Textract result as it arrives, one Get… response (up to 1,000 blocks) at a
 * time, holding the raw blocks of the page being read and nothing else: a page is read into its compact
 * model (lines, tokens, key/values, tables, queries) as soon as a block of a later page arrives, and its
 * blocks are dropped. A 3,000-page result is never in memory as a whole (README, large files).
 *
 * Textract lists blocks page by page. What else may come is still read the same way as a whole result
 * read at once: blocks of a page that was already read are read as a second group of that page and merged
 * into it (a LINE whose words were in the first group keeps its text; its words' boxes become the line's);
 * blocks without a usable page number (synchronous APIs) follow the PAGE block before them; groups with a
 * page number of zero or less are numbered by their order, before page 1, as buildModel always did.
 */
import type { TextractBlock } from "../../ocr/textract-blocks";
import type { DocModel, OcrLine, PageModel } from "./document-model";
import { addToGroup, newPageGroup, readPage, type PageGroup } from "./page-reader";

export class DocModelBuilder {
  private readonly pages = new Map<number, PageModel>();
  /** Groups still open: the page being read, and any group with a page number ≤ 0 (read at the end). */
  private readonly open = new Map<number, PageGroup>();
  /** Second groups of pages already read (out-of-order blocks), merged at the end. */
  private readonly late: PageGroup[] = [];
  private current?: PageGroup;
  private currentPage = 0;
  private blocks = 0;

  /** @param version the result's model version (DetectDocumentTextModelVersion/AnalyzeDocumentModelVersion) */
  constructor(private version = "1.0") {}

  /** The model version, once the first response has told it. */
  setVersion(version: string | undefined): void {
    if (version) this.version = version;
  }

  /** Adds the next blocks of the result, in order. Pages they complete are read now. */
  add(blocks: readonly TextractBlock[]): this {
    for (const raw of blocks) {
      if (!raw || typeof raw.Id !== "string") continue;
      this.blocks++;
      if (raw.BlockType === "PAGE") this.currentPage = raw.Page ?? this.currentPage + 1;
      const key = raw.Page ?? Math.max(this.currentPage, 1);
      // A page's blocks are (almost always) contiguous: look the group up only when the page changes.
      if (!this.current || this.current.key !== key) this.current = this.groupFor(key);
      addToGroup(this.current, raw);
    }
    return this;
  }

  /** How many blocks have been added (the result's size, for the caller's metrics). */
  get blockCount(): number {
    return this.blocks;
  }

  /** Reads what is left and returns the model. `declaredPages`: DocumentMetadata.Pages. */
  finish(declaredPages = 0): DocModel {
    const unread = [...this.open.values()].sort((a, b) => a.key - b.key);
    this.open.clear();
    this.current = undefined;
    unread.forEach((g, i) => {
      const number = g.key > 0 ? g.key : i + 1;
      this.merge(readPage(g, number, 0, this.version));
    });
    for (const g of this.late.splice(0)) this.merge(readPage(g, g.key, 0, this.version));

    const pages = [...this.pages.values()].sort((a, b) => a.number - b.number);
    const lines: OcrLine[] = [];
    for (const page of pages) {
      for (const line of page.lines) {
        line.index = lines.length; // reading order across the document, page by page
        lines.push(line);
      }
    }
    return { pageCount: Math.max(declaredPages, pages.length), pages, lines };
  }

  /**
   * The open group for `key`. A block of a later page completes the pages before it: they are read and
   * their blocks dropped. A block of a page already read starts a second group of it.
   */
  private groupFor(key: number): PageGroup {
    const open = this.open.get(key);
    if (open) return open;
    if (key > 0) {
      for (const [k, g] of this.open) {
        if (k > 0 && k < key) {
          this.open.delete(k);
          this.merge(readPage(g, k, 0, this.version));
        }
      }
      if (this.pages.has(key)) {
        const second = newPageGroup(key);
        this.late.push(second);
        return second;
      }
    }
    const group = newPageGroup(key);
    this.open.set(key, group);
    return group;
  }

  /** Adds a read page to the model, merging it into an earlier read of the same page number. */
  private merge(page: PageModel): void {
    const earlier = this.pages.get(page.number);
    if (!earlier) {
      this.pages.set(page.number, page);
      return;
    }
    earlier.lines.push(...page.lines);
    earlier.keyValues.push(...page.keyValues);
    earlier.tables.push(...page.tables);
    earlier.queries.push(...page.queries);
  }
}
