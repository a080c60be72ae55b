import { parseSearchParams, SearchParamsSchema } from "../../search/parse-search-params";
import { BadRequestError } from "../api-errors";
import { defineRoute } from "../route";
import { SearchResultBody } from "../response-schemas";

export const searchRecords = defineRoute({
  method: "GET",
  path: "/search",
  access: ["records:search"],
  audited: "search",
  summary: "Search charts by free text, name, MRN, date of birth, type, status and date of service",
  response: SearchResultBody,
  documentedQuery: SearchParamsSchema,
  handle: async ({ query, deps }) => {
    const parsed = parseSearchParams(query as Record<string, string>);
    if (!parsed.ok) throw new BadRequestError(parsed.reason);
    const result = await deps.search.search(parsed.query);
    return {
      body: result,
      audit: {
        action: "search",
        recordIds: result.hits.map((h) => h.id),
        mrns: result.hits.flatMap((h) => (h.fields.mrn ? [h.fields.mrn] : [])),
      },
    };
  },
});
