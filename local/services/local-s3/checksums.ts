import { createHash, type Hash } from "node:crypto";
import { crc32 } from "node:zlib";
import { Crc32c } from "@aws-crypto/crc32c";
import { S3Errors } from "./errors";

/** A running checksum over the payload, digested as S3 sends it (base64 of the big-endian value). */
export interface PayloadChecksum {
  readonly algorithm: string;
  update(data: Buffer): void;
  digest(): string;
}

const uint32Base64 = (n: number) => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(n >>> 0);
  return out.toString("base64");
};

class Crc32Checksum implements PayloadChecksum {
  readonly algorithm = "crc32";
  private value = 0;
  update(data: Buffer) {
    this.value = crc32(data, this.value);
  }
  digest() {
    return uint32Base64(this.value);
  }
}

class Crc32cChecksum implements PayloadChecksum {
  readonly algorithm = "crc32c";
  private readonly crc = new Crc32c();
  update(data: Buffer) {
    this.crc.update(data);
  }
  digest() {
    return uint32Base64(this.crc.digest());
  }
}

class HashChecksum implements PayloadChecksum {
  private readonly hash: Hash;
  constructor(readonly algorithm: "sha1" | "sha256") {
    this.hash = createHash(algorithm);
  }
  update(data: Buffer) {
    this.hash.update(data);
  }
  digest() {
    return this.hash.digest("base64");
  }
}

/** `x-amz-checksum-<algorithm>` header or trailer names the local S3 verifies. */
export function checksumFor(algorithm: string): PayloadChecksum {
  switch (algorithm) {
    case "crc32":
      return new Crc32Checksum();
    case "crc32c":
      return new Crc32cChecksum();
    case "sha1":
    case "sha256":
      return new HashChecksum(algorithm);
    default:
      // CRC64NVME and anything newer: refuse rather than store an unchecked checksum.
      throw S3Errors.invalidRequest("The local S3 verifies CRC32, CRC32C, SHA1 and SHA256 checksums only.");
  }
}
