import { startS3Local } from "../../../../local/services/s3-local";

// Runs the local S3 in its own process so that a test can SIGKILL it mid-request.
const local = await startS3Local({ directory: process.argv[2]!, port: 0 });
process.stdout.write(`${JSON.stringify({ endpoint: local.endpoint })}\n`);
