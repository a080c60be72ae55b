import { readFileSync } from "node:fs";
import { format, resolveConfig } from "prettier";
import { describe, expect, it } from "vitest";
import { API_TYPES_FILE, generateApiTypes } from "../../../web/scripts/api-types";

describe("the web app's API types", () => {
  it("are what the route table's OpenAPI document generates today (run `npm run web:api-types` if not)", async () => {
    const options = (await resolveConfig(API_TYPES_FILE)) ?? {};
    const fresh = await format(await generateApiTypes(), { ...options, filepath: API_TYPES_FILE });
    expect(readFileSync(API_TYPES_FILE, "utf8")).toBe(fresh);
  });
});
