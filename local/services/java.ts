import { spawnSync } from "node:child_process";

export class JavaMissingError extends Error {
  constructor(found?: string) {
    super(
      (found
        ? `Java ${found} was found, but DynamoDB Local needs Java 17 or newer.`
        : "Java was not found on PATH.") +
        "\nInstall a Java 17+ runtime and try again, e.g.\n" +
        "  Debian/Ubuntu: sudo apt-get install -y openjdk-17-jre-headless\n" +
        "  macOS:         brew install openjdk@17\n" +
        "  Windows:       winget install EclipseAdoptium.Temurin.17.JRE",
    );
    this.name = "JavaMissingError";
  }
}

/** DynamoDB Local is a Java program: fail early, with what to install, when Java 17+ is missing. */
export function assertJava17(javaCommand = "java"): void {
  const out = spawnSync(javaCommand, ["-version"], { encoding: "utf8" });
  if (out.error || out.status !== 0) throw new JavaMissingError();
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${out.stderr}${out.stdout}`);
  const major = match ? Number(match[1] === "1" ? match[2] : match[1]) : NaN;
  if (!(major >= 17)) throw new JavaMissingError(match?.[1] ?? "of unknown version");
}
