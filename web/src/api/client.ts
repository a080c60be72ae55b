/**
 * The typed API client: paths, parameters and answers come from the OpenAPI document (schema.gen.ts), so a
 * change to a route's schemas breaks the app's build, not its users. Every call carries the session's token;
 * a 401 ends the session (the app returns to sign-in), other failures become an ApiError with plain words.
 */
import createClient from "openapi-fetch";
import { apiErrorFrom, NETWORK_ERROR } from "./errors";
import type { paths } from "./schema.gen";

export type ApiClient = ReturnType<typeof createClient<paths>>;

export function createApiClient(
  baseUrl: string,
  token: () => string | undefined,
  onUnauthorized: () => void,
) {
  const client = createClient<paths>({
    baseUrl: new URL(baseUrl || ".", window.location.href).href.replace(/\/$/, ""),
    fetch: (request) => fetch(request).catch(() => Promise.reject(NETWORK_ERROR)),
  });
  client.use({
    onRequest({ request }) {
      const t = token();
      if (t) request.headers.set("Authorization", `Bearer ${t}`);
      return request;
    },
    onResponse({ response }) {
      if (response.status === 401) onUnauthorized();
      return response;
    },
  });
  return client;
}

/** The data of a call, or the ApiError to show. */
export async function data<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok || data === undefined) throw apiErrorFrom(response.status, error);
  return data;
}
