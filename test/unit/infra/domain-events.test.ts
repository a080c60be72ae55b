/** The event bus's schema registry: one schema per domain event type, as the events arrive on the bus. */
import { describe, expect, it } from "vitest";
import { EVENT_SCHEMAS } from "../../../shared/events/event-schemas";
import { synthesizedOnce } from "./synth-chartbridge";
import * as cfn from "./template";

describe("domain event schemas in the chartbridge stack (prod)", () => {
  const synthesized = synthesizedOnce("prod");

  it("registers every event type's JSON Schema (draft 4) in the bus's registry", () => {
    const { resources } = synthesized();
    const [[registryId, registry]] = cfn.ofType(resources, "AWS::EventSchemas::Registry") as [
      [string, Record<string, unknown>],
    ];
    expect(registry.RegistryName).toBe("chartbridge-prod-events");
    const schemas = cfn.ofType(resources, "AWS::EventSchemas::Schema").map(([, p]) => p);
    expect(schemas.map((s) => s.SchemaName).sort()).toEqual(
      Object.keys(EVENT_SCHEMAS)
        .map((t) => `chartbridge@${t}`)
        .sort(),
    );
    for (const schema of schemas) {
      expect(schema).toMatchObject({
        Type: "JSONSchemaDraft4",
        RegistryName: { "Fn::GetAtt": [registryId, "RegistryName"] },
      });
      const content = JSON.parse(schema.Content as string);
      const type = (schema.SchemaName as string).split("@")[1];
      expect(content.properties["detail-type"].enum).toEqual([type]);
      expect(content.properties.source.enum).toEqual(["chartbridge"]);
      // The detail as published: its id as eventId, and nothing that is not declared.
      expect(content.properties.detail.required).toContain("eventId");
      expect(content.properties.detail.additionalProperties).toBe(false);
    }
  });
});
