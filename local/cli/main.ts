import { resolve } from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { DOCUMENT_TYPE_NAMES } from "../../shared/domain/document-types";
import { STATUSES } from "../../shared/domain/status";
import { SEARCH_SORTS } from "../../shared/search/search-index";
import { RECORDS_READ_SCOPE, ROLES } from "../../shared/auth/principal";

// Each command loads what it needs when it runs: `--help` or `search` need neither the OCR engine nor the SDKs.
const commands = {
  start: () => import("./commands/start"),
  ingest: () => import("./commands/ingest"),
  upload: () => import("./commands/upload"),
  search: () => import("./commands/search"),
  show: () => import("./commands/show"),
  extract: () => import("./commands/extract"),
  token: () => import("./commands/token"),
  audit: () => import("./commands/audit"),
  events: () => import("./commands/events"),
};

const positiveInt = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError("must be a whole number");
  return n;
};

const isoTime = (value: string) => {
  const t = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(t))
    throw new InvalidArgumentError("must be an ISO 8601 time");
  return new Date(t).toISOString();
};

const httpUrl = (value: string) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError("must be a URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new InvalidArgumentError("must be http(s)");
  return url.toString();
};

const dataDirOption = () =>
  new Option("--data-dir <dir>", "where the local stack keeps its data")
    .default(".chartbridge")
    .argParser((d) => resolve(d));

const program = new Command()
  .name("chartbridge")
  .description(
    "Turn scanned paper charts into searchable electronic health records (local pipeline and tools)",
  )
  .showHelpAfterError();

program
  .command("start")
  .description("run the whole pipeline locally (DynamoDB Local, local S3, local OCR) until Ctrl-C")
  .addOption(dataDirOption())
  .option("--port <n>", "HTTP API port (DynamoDB Local and S3 use the next two)", positiveInt, 4000)
  .option("--workers <n>", "OCR worker threads, ~100 MB each (default: one per core, at most 4)", positiveInt)
  .option("--no-samples", "do not ingest the bundled samples on a first start")
  .option("--verbose", "print the handlers' structured logs", false)
  .action(async (o) =>
    (await commands.start()).startCommand({
      dataDir: o.dataDir,
      port: o.port,
      workers: o.workers,
      samples: o.samples,
      verbose: o.verbose,
    }),
  );

program
  .command("ingest")
  .description("upload scans (files or folders) into the running stack and wait for each result")
  .argument("<paths...>", "scan files (PDF, TIFF, PNG, JPEG) or folders")
  .addOption(dataDirOption())
  .option("--vendor <name>", "scanning vendor (first part of the object key)", "cli")
  .option("--batch <name>", "batch name (default: a timestamp)")
  .option("--timeout <seconds>", "how long to wait for results", positiveInt, 600)
  .option("--json", "print a JSON array", false)
  .action(async (paths: string[], o) => {
    process.exitCode = await (await commands.ingest()).ingestCommand(paths, o);
  });

program
  .command("upload")
  .description(
    "deliver a folder of scans as a vendor batch: manifest, verified uploads, close, and (--wait) the reconciliation",
  )
  .argument("<folder>", "the folder to deliver (subfolders included; names below it become the file names)")
  .addOption(dataDirOption())
  .requiredOption("--vendor <name>", "your vendor name (the first part of every object key)")
  .option("--batch <name>", "batch name (default: the folder's name and the time)")
  .option("--reference <text>", "your own reference for the delivery (box or job number)")
  .option("--api <url>", "a deployment's records API (default: the local stack of --data-dir)")
  .option("--token <token>", "with --api: your access token (or set CHARTBRIDGE_TOKEN)")
  .option("--concurrency <n>", "uploads at a time", positiveInt, 4)
  .option("--resume", "continue an interrupted upload of this folder: files already sent are skipped", false)
  .option("--no-close", "leave the batch open (more files follow); entries not uploaded stay awaited")
  .option("--wait", "wait until every file is final and print the reconciliation", false)
  .option("--timeout <seconds>", "with --wait: how long to wait", positiveInt, 3600)
  .option("--json", "print the reconciliation report as one JSON object", false)
  .action(async (folder: string, o) => {
    process.exitCode = await (await commands.upload()).uploadCommand(folder, o);
  });

program
  .command("search")
  .description("search indexed charts by text, name, MRN, date of birth, type or status")
  .argument("[text]", "free text (names, words from the chart)")
  .addOption(dataDirOption())
  .option("--mrn <mrn>", "medical record number")
  .option("--dob <date>", "date of birth, YYYY-MM-DD")
  .addOption(new Option("--type <type>", "document type").choices(DOCUMENT_TYPE_NAMES))
  .addOption(new Option("--status <status>", "record status").choices([...STATUSES]))
  .option("--from <date>", "date of service on or after, YYYY-MM-DD")
  .option("--to <date>", "date of service on or before, YYYY-MM-DD")
  .option("--facility <name>", "facility, as the facet counts list it")
  .addOption(new Option("--sort <order>", "result order").choices([...SEARCH_SORTS]))
  .option("--limit <n>", "how many hits")
  .option("--json", "print the API's JSON", false)
  .action(async (text: string | undefined, o) => {
    process.exitCode = await (await commands.search()).searchCommand(text, { ...o, json: o.json });
  });

program
  .command("show")
  .description("show one record: fields with confidence, status history")
  .argument("<id>", "record id (doc_…)")
  .addOption(dataDirOption())
  .option("--json", "print the record as JSON", false)
  .action(async (id: string, o) => {
    process.exitCode = await (await commands.show()).showCommand(id, { dataDir: o.dataDir, json: o.json });
  });

program
  .command("extract")
  .description("OCR and extract fields from one scan in-process (no services needed)")
  .argument("[file]", "scan file (PDF, TIFF, PNG, JPEG)")
  .option("--textract-json <file>", "extract from a saved Amazon Textract response instead of running OCR")
  .option("--workers <n>", "OCR worker threads", positiveInt)
  .option("--json", "print exactly one JSON object", false)
  .action(async (file: string | undefined, o) => {
    process.exitCode = await (await commands.extract()).extractCommand(file, o);
  });

program
  .command("token")
  .description("print a bearer token for the running local stack (a user in a group, or a machine client)")
  .addOption(dataDirOption())
  .option("--user <name>", "user name (with --group)")
  .addOption(new Option("--group <group...>", "the user's groups").choices([...ROLES]))
  .option("--vendor <name>", "for a vendor user: the vendor whose uploads they see (default: the user name)")
  .option("--client <name>", "a downstream system's app client (with --scope) instead of a user")
  .option("--scope <scope...>", "the client's scopes", [RECORDS_READ_SCOPE])
  .option("--ttl <seconds>", "lifetime", positiveInt, 3600)
  .action(async (o) => {
    process.exitCode = await (await commands.token()).tokenCommand(o);
  });

const day = (value: string) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new InvalidArgumentError("must be YYYY-MM-DD");
  return value;
};

program
  .command("audit")
  .description("the audit trail of the running local stack")
  .command("verify")
  .description("check the audit trail's hash chains: report any gap, altered event or cut tail (exit 1)")
  .addOption(dataDirOption())
  .option("--from <day>", "first day, YYYY-MM-DD (default: the first day recorded)", day)
  .option("--to <day>", "last day, YYYY-MM-DD (default: the last day recorded)", day)
  .option("--json", "print the result as JSON", false)
  .action(async (o) => {
    process.exitCode = await (await commands.audit()).auditVerifyCommand(o);
  });

program
  .command("events")
  .description("the local stack's domain events (record.indexed, batch.completed, …), oldest first")
  .addOption(dataDirOption())
  .option(
    "--since <time>",
    "only events at or after this time (ISO 8601, e.g. 2026-12-04 or 2026-12-04T10:00Z)",
    isoTime,
  )
  .option("--type <type...>", "only these event types")
  .option("--follow", "keep printing events as they happen, until Ctrl-C", false)
  .option(
    "--webhook <url>",
    "also POST each event to this URL, signed (chartbridge-signature header)",
    httpUrl,
  )
  .option("--json", "print each event as one JSON line", false)
  .action(async (o) => {
    process.exitCode = await (await commands.events()).eventsCommand(o);
  });

program.parseAsync(process.argv).catch((err: Error) => {
  console.error(`chartbridge: ${err.message}`);
  process.exit(1);
});
