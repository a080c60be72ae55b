/**
 * ocr-complete (and the sweeper, which completes lost jobs) write a large raw OCR result as a multipart
 * upload: they need to abort one (no parts left behind) and, under SSE-KMS, both to generate data keys
 * and to decrypt them (S3 asks for kms:Decrypt to complete an encrypted multipart upload).
 */
import { describe, expect, it } from "vitest";
import { synthesizedOnce } from "./synth-chartbridge";
import * as cfn from "./template";

describe("multipart writes of OCR results", () => {
  const synthesized = synthesizedOnce("prod");

  it("lets ocr-complete and the sweeper abort uploads and use the results key for multipart", () => {
    const { stack, resources } = synthesized();
    for (const fn of [stack.pipeline.ocrCompleteFunction, stack.sweeper.sweeperFunction]) {
      const actions = cfn
        .statementsOfRole(resources, cfn.logicalId(fn.role))
        .flatMap((s) => cfn.actionsOf(s));
      expect(actions, fn.node.path).toEqual(
        expect.arrayContaining(["s3:Abort*", "s3:PutObject", "kms:Decrypt", "kms:GenerateDataKey*"]),
      );
    }
  });
});
