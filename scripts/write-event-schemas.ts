/** `npm run events:schemas`: writes docs/events/<type>.schema.json from shared/events/event-schemas.ts. */
import { mkdirSync, writeFileSync } from "node:fs";
import { EVENT_SCHEMAS_DIR, eventSchemaFiles } from "./event-schemas";

mkdirSync(EVENT_SCHEMAS_DIR, { recursive: true });
for (const [file, text] of await eventSchemaFiles()) {
  writeFileSync(file, text);
  console.log(`wrote ${file.pathname}`);
}
