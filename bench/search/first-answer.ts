/**
 * A fresh process that opens a search index and answers one query, then prints the time since the process
 * started (module loading included): bench:search's "restart to first answer".
 *
 *   node --import tsx bench/search/first-answer.ts <index file> <query text>
 */
import { SqliteSearchIndex } from "../../shared/adapters/sqlite-search/sqlite-search-index";

const [file, q] = process.argv.slice(2);
if (!file || !q) throw new Error("usage: first-answer.ts <index file> <query text>");
const index = SqliteSearchIndex.open({ file });
const result = await index.search({ q, limit: 20 });
const ms = performance.now();
await index.close();
console.log(JSON.stringify({ ms: Math.round(ms), total: result.total, state: index.fileState }));
