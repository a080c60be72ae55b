import { Presets, SingleBar } from "cli-progress";

/**
 * A progress bar for bytes moved (hashing, uploading): files done, bytes, rate and ETA, on stderr so that
 * stdout stays the command's answer. Nothing is drawn when stderr is not a terminal or with --json.
 */
export class TransferProgress {
  private bytes = 0;
  private files = 0;
  private readonly started = Date.now();
  private readonly bar: SingleBar;

  private constructor(
    label: string,
    private readonly totalBytes: number,
    private readonly totalFiles: number,
  ) {
    this.bar = new SingleBar(
      {
        format: `${label} {bar} {percentage}% | {files}/${totalFiles} files | {done}/{size} | {speed} | ETA {eta_formatted}`,
        stream: process.stderr,
        hideCursor: true,
        etaBuffer: 50,
      },
      Presets.shades_classic,
    );
    this.bar.start(Math.max(1, totalBytes), 0, this.payload());
  }

  static start(
    label: string,
    totalBytes: number,
    totalFiles: number,
    quiet: boolean,
  ): TransferProgress | undefined {
    return quiet || !process.stderr.isTTY ? undefined : new TransferProgress(label, totalBytes, totalFiles);
  }

  /** `n` may be negative: a retried upload starts counting its bytes again. */
  add(n: number): void {
    this.bytes += n;
    this.bar.update(Math.min(this.bytes, this.totalBytes), this.payload());
  }

  fileDone(): void {
    this.files += 1;
    this.bar.update(Math.min(this.bytes, this.totalBytes), this.payload());
  }

  stop(): void {
    this.bar.stop();
  }

  private payload() {
    const seconds = Math.max(0.001, (Date.now() - this.started) / 1000);
    return {
      files: this.files,
      done: formatBytes(this.bytes),
      size: formatBytes(this.totalBytes),
      speed: `${formatBytes(this.bytes / seconds)}/s`,
    };
  }
}

/** Files reaching a final state while the pipeline works. */
export class FilesProgress {
  private readonly bar: SingleBar;
  private constructor(total: number) {
    this.bar = new SingleBar(
      {
        format: "Processing {bar} {value}/{total} files final | {duration_formatted}",
        stream: process.stderr,
        hideCursor: true,
      },
      Presets.shades_classic,
    );
    this.bar.start(total, 0);
  }
  static start(total: number, quiet: boolean): FilesProgress | undefined {
    return quiet || !process.stderr.isTTY ? undefined : new FilesProgress(total);
  }
  update(done: number, total: number): void {
    this.bar.setTotal(total);
    this.bar.update(done);
  }
  stop(): void {
    this.bar.stop();
  }
}

export function formatBytes(n: number): string {
  const units = ["B", "kB", "MB", "GB"];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}
