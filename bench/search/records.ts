import { Faker, en } from "@faker-js/faker";
import { sampleData } from "../../samples/generator/chart-spec";
import { DOCUMENT_TYPES, type DocumentType } from "../../shared/domain/document-types";
import type { SearchDocument } from "../../shared/search/search-index";

/**
 * Search documents shaped like filed charts, generated (nothing checked in): a patient from Faker's name
 * lists (tens of thousands of distinct names), 1–6 charts each, ~2.5 kB of clinical text stitched from the
 * bundled MTSamples notes' sentences, and OCR noise (about 1 word in 60 with a letter misread), which grows
 * the vocabulary the way scanned text does. Deterministic for a seed.
 */
export interface GeneratedPatient {
  name: string;
  mrn: string;
  dateOfBirth: string;
}

export interface RecordGenerator {
  docs(): Generator<SearchDocument>;
  /** Patients seen so far (a sample of at most 2,000, for queries). */
  readonly patients: GeneratedPatient[];
}

const TEXT_BYTES = 2300;
const START = Date.parse("2015-01-01T00:00:00Z");

export function recordGenerator(count: number, seed = 1): RecordGenerator {
  const faker = new Faker({ locale: [en] });
  faker.seed(seed);
  const sentences = clinicalSentences();
  const facilities = Array.from(
    { length: 300 },
    () =>
      `${faker.location.city()} ${faker.helpers.arrayElement(["Hospital", "Medical Center", "Clinic", "Health"])}`,
  );
  const providers = Array.from(
    { length: 2000 },
    () => `Dr. ${faker.person.firstName()} ${faker.person.lastName()}, MD`,
  );
  const { patients: synthea } = sampleData();
  const types = (Object.keys(DOCUMENT_TYPES) as DocumentType[]).filter((t) => t !== "other");
  const patients: GeneratedPatient[] = [];

  function* docs(): Generator<SearchDocument> {
    let made = 0;
    let patientNo = 0;
    while (made < count) {
      patientNo++;
      const patient: GeneratedPatient = {
        name: `${faker.person.firstName()} ${faker.person.lastName()}`,
        mrn: `MR-${String(100000 + patientNo).padStart(7, "0")}`,
        dateOfBirth: faker.date.birthdate({ min: 1, max: 95, mode: "age" }).toISOString().slice(0, 10),
      };
      if (patients.length < 2000) patients.push(patient);
      else if (faker.number.int(patientNo) < 2000) patients[faker.number.int(1999)] = patient;
      const history = synthea[patientNo % synthea.length]!;
      const charts = Math.min(count - made, faker.number.int({ min: 1, max: 6 }));
      for (let c = 0; c < charts; c++, made++) {
        const type: DocumentType = faker.helpers.arrayElement(types);
        const updated = START + made * 60_000 + faker.number.int(59_999);
        const dateOfService = new Date(updated - faker.number.int(400) * 86_400_000)
          .toISOString()
          .slice(0, 10);
        const facility = faker.helpers.arrayElement(facilities);
        const provider = faker.helpers.arrayElement(providers);
        const text = chartText(faker, sentences, patient, type, dateOfService, facility, provider);
        yield {
          id: `doc_${made.toString(36).padStart(8, "0")}`,
          version: 1 + faker.number.int(3),
          status: faker.number.float() < 0.85 ? "INDEXED" : "NEEDS_REVIEW",
          documentType: type,
          patientName: patient.name,
          dateOfBirth: patient.dateOfBirth,
          mrn: patient.mrn,
          dateOfService,
          provider,
          facility,
          diagnoses: history.diagnoses.map((d) => `${d.text} ${d.code}`),
          medications: history.medications,
          allergies: history.allergies,
          text,
          vendor: `vendor-${faker.number.int(9)}`,
          batch: `box-${Math.floor(made / 500)}`,
          sourceKey: `vendor/box/${made}.pdf`,
          createdAt: new Date(updated).toISOString(),
          updatedAt: new Date(updated).toISOString(),
        };
      }
    }
  }
  return { docs, patients };
}

function chartText(
  faker: Faker,
  sentences: string[],
  patient: GeneratedPatient,
  type: string,
  dateOfService: string,
  facility: string,
  provider: string,
): string {
  const lines = [
    facility.toUpperCase(),
    type.replace(/_/g, " ").toUpperCase(),
    `Patient: ${patient.name}   DOB: ${patient.dateOfBirth}   MRN: ${patient.mrn}`,
    `Date of service: ${dateOfService}   Provider: ${provider}`,
  ];
  let length = lines.join("\n").length;
  while (length < TEXT_BYTES) {
    const sentence = ocrNoise(faker, faker.helpers.arrayElement(sentences));
    lines.push(sentence);
    length += sentence.length + 1;
  }
  return lines.join("\n");
}

const MISREADS: Record<string, string> = {
  l: "1",
  o: "0",
  e: "c",
  m: "rn",
  i: "l",
  a: "o",
  s: "5",
  n: "h",
  t: "f",
};

function ocrNoise(faker: Faker, sentence: string): string {
  return sentence.replace(/\p{L}{4,}/gu, (word) => {
    if (faker.number.int(59) !== 0) return word;
    const at = faker.number.int(word.length - 1);
    const ch = word[at]!.toLowerCase();
    return word.slice(0, at) + (MISREADS[ch] ?? "e") + word.slice(at + 1);
  });
}

function clinicalSentences(): string[] {
  const { notes } = sampleData();
  const out: string[] = [];
  for (const note of notes)
    for (const section of note.sections)
      for (const paragraph of section.paragraphs)
        for (const sentence of paragraph.split(/(?<=[.;:])\s+/))
          if (sentence.length > 20 && !sentence.includes("{{")) out.push(sentence);
  return out;
}
