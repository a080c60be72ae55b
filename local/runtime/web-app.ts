/**
 * The records-staff web app on the local stack's HTTP port: the built files of web/ at `/` (hash-routed, so no
 * app path meets an API path), `config.json` telling the app to use local sign-in, and the local stand-in for
 * the Cognito hosted UI: `/local-auth/identities` lists who one may be, `/local-auth/sign-in` returns a token
 * for that identity, signed with the stack's key (as `chartbridge token` would print it).
 */
import { readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import * as z from "zod";
import { issueLocalToken, type TokenSubject } from "../auth/local-tokens";

export interface LocalIdentity {
  id: string;
  label: string;
  subject: TokenSubject;
}

/** The people one may be on a local stack: a records clerk, an admin, and the vendor of the bundled samples. */
export const LOCAL_IDENTITIES: readonly LocalIdentity[] = [
  {
    id: "records-staff",
    label: "Records staff (local-staff)",
    subject: { user: "local-staff", groups: ["records-staff"] },
  },
  { id: "admin", label: "Administrator (local-admin)", subject: { user: "local-admin", groups: ["admin"] } },
  {
    id: "vendor",
    label: "Scanning vendor (samples-uploader)",
    subject: { user: "samples-uploader", groups: ["vendor"], vendor: "samples" },
  },
];

export interface WebAppOptions {
  /** The built app (web/dist). */
  distDir: string;
  dataDir: string;
  /** Origins page images and originals are fetched from (the local S3's presigned links). */
  imageOrigins: readonly string[];
  idleTimeoutMinutes?: number;
  reviewThreshold: number;
  /** Token lifetime for local sign-in. @default 3600 (Cognito's access-token default) */
  tokenTtlSeconds?: number;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".json": "application/json; charset=utf-8",
};

/** The same policy CloudFront sends in AWS (infra/constructs/web-app.ts), with the local S3 for images. */
export function contentSecurityPolicy(imageOrigins: readonly string[]): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' blob: ${imageOrigins.join(" ")}`.trim(),
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

const signInBody = z.object({ identity: z.string().max(64) }).strict();

/**
 * A request handler for the app's paths: answers and returns true for them, returns false for everything else
 * (the API's paths).
 */
export function webAppHandler(opts: WebAppOptions) {
  const headers = {
    "Content-Security-Policy": contentSecurityPolicy(opts.imageOrigins),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
  };
  const send = (
    res: ServerResponse,
    status: number,
    type: string,
    body: string | Buffer,
    cache = "no-store",
  ) => {
    res.writeHead(status, { ...headers, "Content-Type": type, "Cache-Control": cache });
    res.end(body);
  };
  const json = (res: ServerResponse, status: number, body: unknown) =>
    send(res, status, TYPES[".json"]!, JSON.stringify(body));

  return async (
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    body: () => Promise<string | undefined>,
  ) => {
    const path = url.pathname;
    const method = req.method ?? "GET";
    if (method === "GET" && (path === "/" || path === "/index.html")) {
      const index = join(opts.distDir, "index.html");
      if (!existsSync(index)) {
        send(res, 503, "text/plain; charset=utf-8", "The web app is not built: run `npm run web:build`.");
        return true;
      }
      send(res, 200, TYPES[".html"]!, await readFile(index));
      return true;
    }
    if (method === "GET" && path.startsWith("/assets/")) {
      const file = normalize(join(opts.distDir, path));
      if (!file.startsWith(join(opts.distDir, "assets") + sep) || !existsSync(file)) {
        json(res, 404, { error: "NotFound", message: "No such file" });
        return true;
      }
      // Vite names assets by content hash: a new build gets new names, so they may be cached for good.
      send(
        res,
        200,
        TYPES[extname(file)] ?? "application/octet-stream",
        await readFile(file),
        "public, max-age=31536000, immutable",
      );
      return true;
    }
    if (method === "GET" && path === "/config.json") {
      json(res, 200, {
        apiBaseUrl: "",
        auth: { mode: "local" },
        idleTimeoutMinutes: opts.idleTimeoutMinutes ?? 15,
        reviewThreshold: opts.reviewThreshold,
      });
      return true;
    }
    if (method === "GET" && path === "/local-auth/identities") {
      json(res, 200, { identities: LOCAL_IDENTITIES.map(({ id, label }) => ({ id, label })) });
      return true;
    }
    if (method === "POST" && path === "/local-auth/sign-in") {
      let parsed;
      try {
        parsed = signInBody.safeParse(JSON.parse((await body()) ?? ""));
      } catch {
        parsed = undefined;
      }
      const identity = parsed?.success
        ? LOCAL_IDENTITIES.find((i) => i.id === parsed.data.identity)
        : undefined;
      if (!identity) {
        json(res, 400, { error: "BadRequest", message: "identity: must be one of the local identities" });
        return true;
      }
      const ttlSeconds = opts.tokenTtlSeconds ?? 3600;
      const token = await issueLocalToken(opts.dataDir, identity.subject, { ttlSeconds });
      json(res, 200, { token, expiresIn: ttlSeconds });
      return true;
    }
    return false;
  };
}

export type WebAppHandler = ReturnType<typeof webAppHandler>;
