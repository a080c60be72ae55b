export { normalizeDate, findDate, expandTwoDigitYear, type DateKind, type DateOptions } from "./dates";
export { normalizeSex, type Sex } from "./sex";
export { cleanText, normalizePatientName, normalizeProviderName, looksLikePersonName } from "./names";
export { normalizeMrn } from "./mrn";
export { normalizeFieldValue } from "./field-value";
