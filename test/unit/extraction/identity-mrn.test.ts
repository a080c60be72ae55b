import { describe, expect, it } from "vitest";
import { identityConflict } from "../../../shared/extraction/split/identity";

const page = (mrn: string, name = "Colin Wyman") => ({ name, mrn });

describe("splitter: MRN comparison on the canonical key", () => {
  it("takes a page printing the bare number as the same patient as one printing the MRN label", () => {
    expect(identityConflict(page("MRN-004512"), page("004512"))).toBeUndefined();
    expect(identityConflict(page("mrn 004512"), page("MRN-004512"))).toBeUndefined();
  });

  it("keeps its tolerance: dropped padding and O/0 slips, one misread character under the very same name", () => {
    expect(identityConflict(page("MRN-004512"), page("4512"))).toBeUndefined();
    expect(identityConflict(page("MRN-00451O"), page("MRN-004510"))).toBeUndefined();
    expect(identityConflict(page("MRN-004828"), page("MRN-004823"))).toBeUndefined();
    expect(identityConflict(page("MRN-004828"), page("MRN-004823", "Calin Wyman"))).toBe("mrn");
    expect(identityConflict(page("MRN-004828"), page("MRN-004893"))).toBe("mrn");
  });
});
