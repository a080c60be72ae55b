/**
 * The extraction surface: build the block model of a file once, split it into its logical documents, and
 * extract each part (read in place through a page-range view).
 *
 *   const model = buildModel(textractResult);
 *   for (const { pages } of splitDocuments(model)) extractPart(model, pages);
 */
export { buildModel, type DocModel, type OcrLine, type PageModel } from "./model/document-model";
export { splitDocuments, type DocumentRange, type SplitOptions, type SplitReason } from "./split-document";
export { extractPart, type ExtractOptions } from "./extract-part";
export { pageRange, type PageRange } from "./model/page-range";
export { plainText } from "./plain-text";
export {
  needsReview,
  DEFAULT_REVIEW_THRESHOLD,
  IDENTITY_FIELDS,
  type ReviewFlag,
  type IdentityField,
} from "./review";
export * from "./normalize";
