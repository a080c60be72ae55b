/** The API's error body: `error` names the kind, `message` says what was wrong (never the value sent). */
export interface ApiErrorBody {
  error: string;
  message: string;
}

/** A failed API call, in words a person can act on. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly kind: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

const PLAIN: Record<number, string> = {
  401: "Your session has ended. Sign in again.",
  403: "Your account is not allowed to do this.",
  404: "Not found, or not something your account may see.",
  412: "Someone changed this record since you opened it. Reload it and make your change again.",
  500: "The records service could not complete the request. Try again; if it keeps failing, tell your administrator.",
  502: "The records service is not answering. Try again in a moment.",
  503: "The records service is not answering. Try again in a moment.",
};

/** The message to show for an answer that was not a success. */
export function apiErrorFrom(status: number, body: unknown): ApiError {
  const b = body as Partial<ApiErrorBody> | undefined;
  // 400 and 409 messages name the field and the rule: useful as they are. Others get plain words.
  const message =
    (status === 400 || status === 409) && typeof b?.message === "string"
      ? capitalize(b.message)
      : (PLAIN[status] ?? `The request failed (HTTP ${status}).`);
  return new ApiError(status, message, typeof b?.error === "string" ? b.error : "Error");
}

export const NETWORK_ERROR = new ApiError(
  0,
  "The records service cannot be reached. Check your connection.",
  "Network",
);

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1) + (/[.!?]$/.test(s) ? "" : ".");
}
