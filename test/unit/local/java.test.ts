import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { assertJava17, JavaMissingError } from "../../../local/services/java";

describe("Java check for DynamoDB Local", () => {
  it("says what to install when Java is missing", () => {
    expect(() => assertJava17("/nonexistent/java")).toThrow(JavaMissingError);
    expect(() => assertJava17("/nonexistent/java")).toThrow(/openjdk-17-jre-headless/);
  });

  it("refuses Java 11 and names the version it found", () => {
    const fake = join(mkdtempSync(join(tmpdir(), "java-")), "java");
    writeFileSync(fake, "#!/bin/sh\necho 'openjdk version \"11.0.20\" 2023-07-18' >&2\n");
    chmodSync(fake, 0o755);
    expect(() => assertJava17(fake)).toThrow(/Java 11 was found/);
  });

  it("accepts the Java on this machine (17 or newer)", () => {
    expect(() => assertJava17()).not.toThrow();
  });
});
