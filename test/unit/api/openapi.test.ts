import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { ROUTES } from "../../../shared/api/route-table";
import { apiHarness } from "../../support/api-harness";

type Doc = {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      { security?: unknown[]; parameters?: { name: string; in: string }[]; requestBody?: unknown }
    >
  >;
};

async function servedDocument(): Promise<Doc> {
  const api = await apiHarness();
  const res = await api.call("none", { path: "/openapi.json" });
  expect(res.status).toBe(200);
  return res.body as Doc;
}

describe("GET /openapi.json", () => {
  it("is a valid OpenAPI 3.1 document (checked by a real validator)", async () => {
    const doc = await servedDocument();
    expect(doc.openapi).toBe("3.1.0");
    const result = await new Validator().validate(structuredClone(doc) as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("describes every route of the route table with its method, and public routes need no token", async () => {
    const doc = await servedDocument();
    for (const route of ROUTES) {
      const op = doc.paths[route.path]?.[route.method.toLowerCase()];
      expect(op, `${route.method} ${route.path}`).toBeDefined();
      if (route.access === "public") expect(op!.security).toEqual([]);
      else expect(op!.security).toBeUndefined();
    }
    expect(Object.values(doc.paths).flatMap((p) => Object.keys(p))).toHaveLength(ROUTES.length);
  });

  it("documents parameters and bodies from the schemas the API validates with", async () => {
    const doc = await servedDocument();
    const names = (path: string, method: string) =>
      doc.paths[path]![method]!.parameters!.map((p) => `${p.in}:${p.name}`).sort();
    expect(names("/search", "get")).toEqual(
      ["cursor", "dob", "facility", "from", "limit", "mrn", "q", "sort", "status", "to", "type"].map(
        (n) => `query:${n}`,
      ),
    );
    expect(names("/records/{id}", "get")).toEqual(["path:id"]);
    expect(doc.paths["/records/{id}"]!.patch!.requestBody).toMatchObject({
      content: {
        "application/json": {
          schema: { properties: { fields: expect.any(Object), reason: expect.any(Object) } },
        },
      },
    });
  });
});
