/** The states every view shows the same way: loading, nothing found, and an error in plain words. */
import type { ReactNode } from "react";
import { ApiError } from "../api/errors";

export function Loading({ what }: { what: string }) {
  return (
    <p className="state" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return (
    <p className="state" role="status">
      {children}
    </p>
  );
}

export function ErrorMessage({ error }: { error: unknown }) {
  const message =
    error instanceof ApiError
      ? error.message
      : "Something went wrong. Reload the page; if it keeps happening, tell your administrator.";
  return (
    <p className="state error" role="alert">
      {message}
    </p>
  );
}
