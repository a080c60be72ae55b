import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import writeFileAtomic from "write-file-atomic";

export interface StoredMessage {
  id: string;
  body: string;
  receiveCount: number;
  sentAt: number;
  /** Send order within one process: breaks ties between messages sent in the same millisecond. */
  seq?: number;
}

/** Oldest first: by send time, then by send order. */
const bySendOrder = (a: StoredMessage, b: StoredMessage) =>
  a.sentAt - b.sentAt || (a.seq ?? 0) - (b.seq ?? 0);

export interface DeadLetter extends StoredMessage {
  deadLetteredAt: number;
}

/** Where a queue keeps its messages: in memory, or on disk so that a killed process loses none. */
export interface MessageStore {
  put(message: StoredMessage): void;
  remove(id: string): void;
  deadLetter(message: DeadLetter): void;
  pending(): StoredMessage[];
  deadLetters(): DeadLetter[];
}

export class MemoryMessageStore implements MessageStore {
  private readonly live = new Map<string, StoredMessage>();
  private readonly dead: DeadLetter[] = [];

  put(message: StoredMessage): void {
    this.live.set(message.id, { ...message });
  }
  remove(id: string): void {
    this.live.delete(id);
  }
  deadLetter(message: DeadLetter): void {
    this.live.delete(message.id);
    this.dead.push({ ...message });
  }
  pending(): StoredMessage[] {
    return [...this.live.values()].sort(bySendOrder);
  }
  deadLetters(): DeadLetter[] {
    return [...this.dead];
  }
}

/**
 * One file per message under `<dir>/pending`, moved to `<dir>/dead` when dead-lettered. Each write goes to a
 * temporary file that is renamed into place, so a process killed mid-write leaves the old file or the new
 * one, never half of one. A message leaves the disk only once its handler succeeded.
 */
export class FileMessageStore implements MessageStore {
  private readonly pendingDir: string;
  private readonly deadDir: string;

  constructor(dir: string) {
    this.pendingDir = join(dir, "pending");
    this.deadDir = join(dir, "dead");
    mkdirSync(this.pendingDir, { recursive: true });
    mkdirSync(this.deadDir, { recursive: true });
  }

  put(message: StoredMessage): void {
    // Surviving the process being killed needs no fsync: the OS keeps what was written.
    writeFileAtomic.sync(this.file(this.pendingDir, message.id), JSON.stringify(message), { fsync: false });
  }

  remove(id: string): void {
    rmSync(this.file(this.pendingDir, id), { force: true });
  }

  deadLetter(message: DeadLetter): void {
    writeFileAtomic.sync(this.file(this.deadDir, message.id), JSON.stringify(message), { fsync: false });
    this.remove(message.id);
  }

  pending(): StoredMessage[] {
    return readAll<StoredMessage>(this.pendingDir).sort(bySendOrder);
  }

  deadLetters(): DeadLetter[] {
    return readAll<DeadLetter>(this.deadDir).sort((a, b) => a.deadLetteredAt - b.deadLetteredAt);
  }

  /** Message ids are UUIDs; anything else never reaches a file name. */
  private file(dir: string, id: string): string {
    if (!/^[0-9a-f-]{36}$/.test(id)) throw new Error("invalid message id");
    return join(dir, `${id}.json`);
  }
}

function readAll<T>(dir: string): T[] {
  const out: T[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.endsWith(".json")) continue; // write-file-atomic's temporary files of an interrupted write
    const path = join(dir, name);
    try {
      out.push(JSON.parse(readFileSync(path, "utf8")) as T);
    } catch {
      // Unreadable despite the atomic writes (disk trouble): keep it aside rather than fail every start.
      renameSync(path, `${path}.unreadable`);
    }
  }
  return out;
}
