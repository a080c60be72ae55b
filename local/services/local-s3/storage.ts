import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, readdir, readFile, rename, rm, unlink } from "node:fs/promises";
import { join } from "node:path";
import { S3Errors } from "./errors";
import { compareKeys } from "./names";

/** One version of a key: an object (bytes in a blob) or a delete marker. */
export interface ObjectVersion {
  key: string;
  versionId: string;
  /** Store-wide commit order: the newest version of a key has the highest. */
  seq: number;
  lastModified: string;
  deleteMarker: boolean;
  size: number;
  /** Quoted, as S3 sends it. */
  etag: string;
  blob?: string;
  contentType?: string;
  /** Content-Disposition, Cache-Control and the like, stored as sent. */
  headers: Record<string, string>;
  /** x-amz-meta-* without the prefix. */
  metadata: Record<string, string>;
  checksum?: { algorithm: string; value: string };
}

export interface BucketInfo {
  name: string;
  createdAt: string;
}

export interface MultipartUpload {
  uploadId: string;
  bucket: string;
  key: string;
  initiated: string;
  contentType?: string;
  headers: Record<string, string>;
  metadata: Record<string, string>;
  parts: Map<number, { etag: string; size: number; md5: string }>;
}

export type NewObject = Pick<
  ObjectVersion,
  "size" | "etag" | "contentType" | "headers" | "metadata" | "checksum"
>;

interface BucketState {
  info: BucketInfo;
  dir: string;
  versions: Map<string, ObjectVersion[]>;
  sortedKeys?: string[];
}

/** Generated names only: nothing a client sends ever becomes part of a file path. */
const newId = () => randomBytes(18).toString("base64url");
const bucketDirName = (name: string) => createHash("sha256").update(name).digest("hex").slice(0, 32);

/**
 * A versioned object store on plain files. Blobs and metadata live under generated names; each write goes to a
 * temp file, is fsynced and renamed into place, and a version exists only once its metadata file has been
 * renamed in (the commit). After a crash, temp files, blobs no version references and incomplete buckets are
 * removed at open, so a half-written object is never visible.
 */
export class VersionedStore {
  private readonly buckets = new Map<string, BucketState>();
  private readonly uploads = new Map<string, MultipartUpload>();
  private seq = 0;

  private constructor(private readonly root: string) {}

  static async open(root: string): Promise<VersionedStore> {
    const store = new VersionedStore(root);
    await store.load();
    return store;
  }

  private get tmpDir() {
    return join(this.root, "tmp");
  }
  private get bucketsDir() {
    return join(this.root, "buckets");
  }
  private get uploadsDir() {
    return join(this.root, "uploads");
  }

  /** A fresh temp file path for a body being received. */
  tempPath(): string {
    return join(this.tmpDir, `${newId()}.part`);
  }

  async discard(path: string): Promise<void> {
    await unlink(path).catch(() => undefined);
  }

  listBuckets(): BucketInfo[] {
    return [...this.buckets.values()].map((b) => b.info).sort((a, b) => compareKeys(a.name, b.name));
  }

  hasBucket(name: string): boolean {
    return this.buckets.has(name);
  }

  async createBucket(name: string): Promise<void> {
    if (this.buckets.has(name)) throw S3Errors.bucketAlreadyOwnedByYou();
    const dir = join(this.bucketsDir, bucketDirName(name));
    await mkdir(join(dir, "versions"), { recursive: true });
    await mkdir(join(dir, "blobs"), { recursive: true });
    const info: BucketInfo = { name, createdAt: new Date().toISOString() };
    await this.writeAtomic(join(dir, "bucket.json"), JSON.stringify(info));
    this.buckets.set(name, { info, dir, versions: new Map() });
  }

  async deleteBucket(name: string): Promise<void> {
    const bucket = this.bucket(name);
    const pending = [...this.uploads.values()].some((u) => u.bucket === name);
    if (bucket.versions.size > 0 || pending) throw S3Errors.bucketNotEmpty();
    this.buckets.delete(name);
    await unlink(join(bucket.dir, "bucket.json"));
    await rm(bucket.dir, { recursive: true, force: true });
  }

  /** Versions of `key`, newest first (empty when none). */
  versionsOf(bucketName: string, key: string): readonly ObjectVersion[] {
    return this.bucket(bucketName).versions.get(key) ?? [];
  }

  /** Every key with at least one version, in S3 order. */
  sortedKeys(bucketName: string): readonly string[] {
    const bucket = this.bucket(bucketName);
    bucket.sortedKeys ??= [...bucket.versions.keys()].sort(compareKeys);
    return bucket.sortedKeys;
  }

  blobPath(bucketName: string, version: ObjectVersion): string {
    return join(this.bucket(bucketName).dir, "blobs", `${version.blob}.bin`);
  }

  /** Makes the fully received temp file a new version of `key` (the temp file is consumed). */
  async commitObject(
    bucketName: string,
    key: string,
    tempFile: string,
    object: NewObject,
  ): Promise<ObjectVersion> {
    const bucket = this.bucket(bucketName);
    const blob = newId();
    const blobsDir = join(bucket.dir, "blobs");
    await rename(tempFile, join(blobsDir, `${blob}.bin`));
    await syncDir(blobsDir);
    return this.commitVersion(bucket, { key, deleteMarker: false, blob, ...object });
  }

  async putDeleteMarker(bucketName: string, key: string): Promise<ObjectVersion> {
    const bucket = this.bucket(bucketName);
    return this.commitVersion(bucket, {
      key,
      deleteMarker: true,
      size: 0,
      etag: "",
      headers: {},
      metadata: {},
    });
  }

  /** Removes one version for good (S3's DeleteObject with a versionId). */
  async deleteVersion(
    bucketName: string,
    key: string,
    versionId: string,
  ): Promise<ObjectVersion | undefined> {
    const bucket = this.bucket(bucketName);
    const list = bucket.versions.get(key);
    const version = list?.find((v) => v.versionId === versionId);
    if (!list || !version) return undefined;
    await unlink(join(bucket.dir, "versions", `${version.versionId}.json`));
    await syncDir(join(bucket.dir, "versions"));
    list.splice(list.indexOf(version), 1);
    if (list.length === 0) {
      bucket.versions.delete(key);
      bucket.sortedKeys = undefined;
    }
    if (version.blob) await unlink(join(bucket.dir, "blobs", `${version.blob}.bin`)).catch(() => undefined);
    return version;
  }

  async createUpload(
    bucketName: string,
    key: string,
    meta: Pick<MultipartUpload, "contentType" | "headers" | "metadata">,
  ): Promise<MultipartUpload> {
    this.bucket(bucketName);
    const upload: MultipartUpload = {
      uploadId: newId(),
      bucket: bucketName,
      key,
      initiated: new Date().toISOString(),
      ...meta,
      parts: new Map(),
    };
    const dir = join(this.uploadsDir, upload.uploadId);
    await mkdir(dir, { recursive: true });
    const { parts: _parts, ...persisted } = upload;
    await this.writeAtomic(join(dir, "upload.json"), JSON.stringify(persisted));
    this.uploads.set(upload.uploadId, upload);
    return upload;
  }

  upload(bucketName: string, key: string, uploadId: string): MultipartUpload {
    const upload = this.uploads.get(uploadId);
    if (!upload || upload.bucket !== bucketName || upload.key !== key) throw S3Errors.noSuchUpload();
    return upload;
  }

  async putPart(
    upload: MultipartUpload,
    partNumber: number,
    tempFile: string,
    part: { etag: string; size: number; md5: string },
  ): Promise<void> {
    const dir = join(this.uploadsDir, upload.uploadId);
    await rename(tempFile, join(dir, `part-${partNumber}.bin`));
    await this.writeAtomic(join(dir, `part-${partNumber}.json`), JSON.stringify(part));
    upload.parts.set(partNumber, part);
  }

  /** Concatenates the chosen parts into a new version and forgets the upload. */
  async completeUpload(upload: MultipartUpload, partNumbers: number[], etag: string): Promise<ObjectVersion> {
    const dir = join(this.uploadsDir, upload.uploadId);
    const temp = this.tempPath();
    let size = 0;
    try {
      // One file handle written part after part (a stream piped into with end: false would gather a
      // listener per part: a warning past ten parts).
      const out = await open(temp, "w");
      try {
        for (const n of partNumbers) {
          size += upload.parts.get(n)!.size;
          for await (const chunk of createReadStream(join(dir, `part-${n}.bin`)))
            await out.write(chunk as Buffer);
        }
        await out.sync();
      } finally {
        await out.close();
      }
    } catch (err) {
      await this.discard(temp);
      throw err;
    }
    const version = await this.commitObject(upload.bucket, upload.key, temp, {
      size,
      etag,
      contentType: upload.contentType,
      headers: upload.headers,
      metadata: upload.metadata,
    });
    await this.abortUpload(upload);
    return version;
  }

  async abortUpload(upload: MultipartUpload): Promise<void> {
    this.uploads.delete(upload.uploadId);
    const dir = join(this.uploadsDir, upload.uploadId);
    await unlink(join(dir, "upload.json")).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }

  private bucket(name: string): BucketState {
    const bucket = this.buckets.get(name);
    if (!bucket) throw S3Errors.noSuchBucket();
    return bucket;
  }

  private async commitVersion(
    bucket: BucketState,
    fields: Omit<ObjectVersion, "versionId" | "seq" | "lastModified">,
  ): Promise<ObjectVersion> {
    const version: ObjectVersion = {
      ...fields,
      versionId: newId(),
      seq: ++this.seq,
      lastModified: new Date().toISOString(),
    };
    await this.writeAtomic(
      join(bucket.dir, "versions", `${version.versionId}.json`),
      JSON.stringify(version),
    );
    this.index(bucket, version);
    return version;
  }

  private index(bucket: BucketState, version: ObjectVersion): void {
    const list = bucket.versions.get(version.key);
    if (!list) {
      bucket.versions.set(version.key, [version]);
      bucket.sortedKeys = undefined;
      return;
    }
    const at = list.findIndex((v) => v.seq < version.seq);
    list.splice(at === -1 ? list.length : at, 0, version);
  }

  /** temp + fsync + rename + fsync of the directory: the file is either absent or complete after a crash. */
  private async writeAtomic(path: string, content: string): Promise<void> {
    const temp = this.tempPath();
    const handle = await open(temp, "w");
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
    await syncDir(join(path, ".."));
  }

  private async load(): Promise<void> {
    await rm(this.tmpDir, { recursive: true, force: true });
    await mkdir(this.tmpDir, { recursive: true });
    await mkdir(this.bucketsDir, { recursive: true });
    await mkdir(this.uploadsDir, { recursive: true });
    for (const dirName of await readdir(this.bucketsDir))
      await this.loadBucket(join(this.bucketsDir, dirName));
    for (const uploadId of await readdir(this.uploadsDir)) await this.loadUpload(uploadId);
  }

  private async loadBucket(dir: string): Promise<void> {
    const info = await readJson<BucketInfo>(join(dir, "bucket.json"));
    if (!info) {
      await rm(dir, { recursive: true, force: true });
      return;
    }
    const bucket: BucketState = { info, dir, versions: new Map() };
    const referenced = new Set<string>();
    for (const file of await readdir(join(dir, "versions"))) {
      const version = await readJson<ObjectVersion>(join(dir, "versions", file));
      if (!version) continue;
      this.seq = Math.max(this.seq, version.seq);
      if (version.blob) referenced.add(`${version.blob}.bin`);
      this.index(bucket, version);
    }
    for (const file of await readdir(join(dir, "blobs"))) {
      if (!referenced.has(file)) await unlink(join(dir, "blobs", file));
    }
    this.buckets.set(info.name, bucket);
  }

  private async loadUpload(uploadId: string): Promise<void> {
    const dir = join(this.uploadsDir, uploadId);
    const meta = await readJson<Omit<MultipartUpload, "parts">>(join(dir, "upload.json"));
    if (!meta || !this.buckets.has(meta.bucket)) {
      await rm(dir, { recursive: true, force: true });
      return;
    }
    const upload: MultipartUpload = { ...meta, parts: new Map() };
    for (const file of await readdir(dir)) {
      const match = /^part-(\d+)\.json$/.exec(file);
      const part = match && (await readJson<{ etag: string; size: number; md5: string }>(join(dir, file)));
      if (match && part) upload.parts.set(Number(match[1]), part);
    }
    this.uploads.set(uploadId, upload);
  }
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as T;
  } catch {
    return undefined;
  }
}

/** fsync of a directory (opened read-only): its entries are what must reach the disk. */
async function fsync(path: string, flags: "r" | "r+"): Promise<void> {
  const handle = await open(path, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
const syncDir = (dir: string) => fsync(dir, "r");
