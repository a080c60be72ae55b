import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));

/**
 * The records-staff web app. Relative asset paths (`base: "./"`), so the same build is served by the local stack
 * at `/` and by CloudFront from its S3 bucket; no inline scripts or styles, so a strict CSP holds.
 */
export default defineConfig({
  root,
  base: "./",
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsInlineLimit: 0,
    sourcemap: false,
    chunkSizeWarningLimit: 500,
  },
});
