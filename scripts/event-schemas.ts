/** The domain events' JSON Schemas as published in docs/events/ (one file per event type). */
import { format, resolveConfig } from "prettier";
import { EVENT_SCHEMAS, eventJsonSchema, type EventType } from "../shared/events/event-schemas";

export const EVENT_SCHEMAS_DIR = new URL("../docs/events/", import.meta.url);

export const eventSchemaFile = (type: EventType) => new URL(`${type}.schema.json`, EVENT_SCHEMAS_DIR);

/** Every event type's schema file contents, formatted as the repository formats JSON. */
export async function eventSchemaFiles(): Promise<Map<URL, string>> {
  const files = new Map<URL, string>();
  for (const type of Object.keys(EVENT_SCHEMAS) as EventType[]) {
    const file = eventSchemaFile(type);
    const options = (await resolveConfig(file.pathname)) ?? {};
    files.set(file, await format(JSON.stringify(eventJsonSchema(type)), { ...options, parser: "json" }));
  }
  return files;
}
