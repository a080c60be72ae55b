/**
 * Notices from libraries that tell a user of the CLI nothing they can act on, and would break a progress bar's
 * line. The S3 client warns about "a Stream of unknown length" when an empty text object is written; the
 * object is written correctly all the same.
 */
const NOISE = [/Are you using a Stream of unknown length as the Body of a PutObject request\?/];

export function quietLibraryWarnings(): void {
  const warn = console.warn.bind(console);
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === "string" && NOISE.some((n) => n.test(args[0] as string))) return;
    warn(...args);
  };
}
