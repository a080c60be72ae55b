/**
 * The key of one OCR job of a record: Textract's ClientRequestToken (same key → same job, so a repeated
 * start never runs or bills OCR twice) and its JobTag (echoed in the completion notification, so the
 * completion names the record and the attempt it belongs to). Attempt 1 is the record id itself; a restart
 * gets `<id>-r<attempt>`. Textract allows [a-zA-Z0-9_-], at most 64 characters, for the token.
 */
export function ocrJobKey(documentId: string, attempt: number): string {
  return attempt <= 1 ? documentId : `${documentId}-r${attempt}`;
}

/** The record id a job key (a completion's JobTag) belongs to. */
export function documentIdOfJobKey(jobKey: string): string {
  const restart = /^(.+)-r\d+$/.exec(jobKey);
  return restart ? restart[1]! : jobKey;
}
