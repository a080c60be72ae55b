/** MRNs compare ignoring case, spaces and punctuation: "mr-00 123" and "MR00123" are the same. */
export function normalizeMrn(mrn: string): string {
  return mrn.replace(/[^0-9A-Za-z]/g, "").toUpperCase();
}
