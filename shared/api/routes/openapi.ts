import { defineRoute, type Route } from "../route";

/** `GET /openapi.json`: the description of every route in `routes` (this one included), built once. */
export function openApiRoute(
  routes: () => readonly Route[],
  build: (routes: readonly Route[]) => unknown,
): Route {
  let document: unknown;
  return defineRoute({
    method: "GET",
    path: "/openapi.json",
    access: "public",
    audited: false,
    summary: "This API's OpenAPI 3.1 description",
    handle: async () => ({ body: await (document ??= build(routes())) }),
  });
}
