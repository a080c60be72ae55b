/**
 * Where the app finds its API and how people sign in: `config.json` beside index.html, written by the local stack
 * (local identities) or by the CDK deployment (Cognito hosted UI). One build serves both.
 */
export interface CognitoAuthConfig {
  mode: "cognito";
  /** The user pool's issuer URL (OIDC discovery). */
  authority: string;
  clientId: string;
  /** The hosted UI's domain, for sign-out. */
  domain: string;
  scope: string;
}

export interface LocalAuthConfig {
  mode: "local";
}

export interface AppConfig {
  /** Prefix of every API path: "" when the API shares the app's origin and root. */
  apiBaseUrl: string;
  auth: CognitoAuthConfig | LocalAuthConfig;
  /** Sign out after this long without keyboard or pointer use (workstation policy). */
  idleTimeoutMinutes: number;
  /** Fields read with less confidence than this are flagged for review (the pipeline's REVIEW_THRESHOLD). */
  reviewThreshold: number;
}

export async function loadConfig(): Promise<AppConfig> {
  const res = await fetch("./config.json", { cache: "no-store" });
  if (!res.ok) throw new Error("The app's configuration could not be loaded.");
  const raw = (await res.json()) as Partial<AppConfig>;
  if (!raw.auth) throw new Error("The app's configuration names no sign-in method.");
  return {
    apiBaseUrl: raw.apiBaseUrl ?? "",
    auth: raw.auth,
    idleTimeoutMinutes: raw.idleTimeoutMinutes ?? 15,
    reviewThreshold: raw.reviewThreshold ?? 0.8,
  };
}
