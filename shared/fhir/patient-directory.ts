/**
 * The patient directory (port): one opaque, stable FHIR Patient id per medical record number. Ids are
 * assigned on first use and never change or get reused; the MRN stays inside the store. Keyed by the MRN's
 * canonical form (mrnKey), so every way a chart prints the number maps to the same patient.
 */
export interface PatientDirectory {
  /** The patient id of this MRN, assigned now if it has none. Concurrent callers get the same id. */
  idFor(mrn: string): Promise<string>;
  /** The MRN (as first seen) a patient id stands for, or undefined when no patient has this id. */
  mrnOf(patientId: string): Promise<string | undefined>;
}
