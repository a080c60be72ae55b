import type { ApiDeps } from "./api-deps";
import type { ApiRequest, ApiResponse } from "./route";
import { ROUTES } from "./route-table";
import { routeRequest } from "./router";

export type { ApiDeps } from "./api-deps";
export type { ApiRequest, ApiResponse } from "./route";

/**
 * The records API: every route in ROUTES, authorized and audited by the router. Answers with a body;
 * anything else is thrown as one of our errors and turned into its HTTP answer by HTTP_ERRORS.
 */
export function handleApiRequest(req: ApiRequest, deps: ApiDeps): Promise<ApiResponse> {
  return routeRequest(req, ROUTES, deps);
}
