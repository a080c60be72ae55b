export { extractDocument, extractModel, extractWithReview, type ExtractOptions } from "./extract-document";
export { classifyDocument, classifyModel } from "./classify-document";
export {
  needsReview,
  DEFAULT_REVIEW_THRESHOLD,
  IDENTITY_FIELDS,
  type ReviewFlag,
  type IdentityField,
} from "./review";
export { plainText } from "./plain-text";
export {
  splitDocument,
  splitModel,
  subDocument,
  subModel,
  extractDocuments,
  extractDocumentsFromModel,
  type DocumentRange,
} from "./split-document";
export { buildDocModel, type DocModel, type OcrLine, type PageModel } from "./model/document-model";
export * from "./normalize";
