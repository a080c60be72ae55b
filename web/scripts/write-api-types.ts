import { writeFileSync } from "node:fs";
import { format, resolveConfig } from "prettier";
import { API_TYPES_FILE, generateApiTypes } from "./api-types";

const options = (await resolveConfig(API_TYPES_FILE)) ?? {};
writeFileSync(
  API_TYPES_FILE,
  await format(await generateApiTypes(), { ...options, filepath: API_TYPES_FILE }),
);
console.log(`wrote ${API_TYPES_FILE}`);
