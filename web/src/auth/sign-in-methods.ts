/**
 * The two ways to get an access token, behind one interface: the Cognito hosted UI (authorization code + PKCE,
 * tokens kept in memory only) in AWS, and the local stack's identities locally. After sign-in both give the
 * app a bearer token, and everything else is the same code path.
 */
import type { AppConfig, CognitoAuthConfig } from "../config";

export interface LocalIdentityChoice {
  id: string;
  label: string;
}

export interface SignInMethod {
  kind: "local" | "cognito";
  /** Local: the identities the running stack offers. */
  identities(): Promise<LocalIdentityChoice[]>;
  /** Local: a token for the chosen identity. Cognito: leaves the page for the hosted UI (never resolves). */
  signIn(choice: string | undefined, returnTo: string): Promise<string>;
  /** Cognito: completes a redirect back from the hosted UI, if this page load is one. */
  completeRedirect(): Promise<{ token: string; returnTo: string } | undefined>;
  signOut(): Promise<void>;
}

function localSignIn(): SignInMethod {
  return {
    kind: "local",
    async identities() {
      const res = await fetch("./local-auth/identities");
      if (!res.ok) throw new Error("The local stack did not list its identities.");
      return ((await res.json()) as { identities: LocalIdentityChoice[] }).identities;
    },
    async signIn(choice) {
      const res = await fetch("./local-auth/sign-in", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ identity: choice }),
      });
      if (!res.ok) throw new Error("The local stack refused this identity.");
      return ((await res.json()) as { token: string }).token;
    },
    async completeRedirect() {
      return undefined;
    },
    async signOut() {},
  };
}

function cognitoSignIn(config: CognitoAuthConfig): SignInMethod {
  // Loaded only in AWS deployments: the local build's first load does not carry the OIDC client.
  const manager = import("oidc-client-ts").then(
    ({ UserManager, WebStorageStateStore, InMemoryWebStorage }) =>
      new UserManager({
        authority: config.authority,
        client_id: config.clientId,
        redirect_uri: new URL("./", window.location.href).href,
        response_type: "code",
        scope: config.scope,
        // Tokens live in memory only; the PKCE state survives the redirect in session storage.
        userStore: new WebStorageStateStore({ store: new InMemoryWebStorage() }),
        automaticSilentRenew: false,
      }),
  );
  return {
    kind: "cognito",
    async identities() {
      return [];
    },
    async signIn(_choice, returnTo) {
      await (await manager).signinRedirect({ state: { returnTo } });
      return new Promise<string>(() => {});
    },
    async completeRedirect() {
      const params = new URLSearchParams(window.location.search);
      if (!params.has("code") || !params.has("state")) return undefined;
      const user = await (await manager).signinRedirectCallback();
      window.history.replaceState(null, "", window.location.pathname);
      const returnTo = (user.state as { returnTo?: string } | undefined)?.returnTo ?? "/";
      return { token: user.access_token, returnTo };
    },
    async signOut() {
      await (await manager).removeUser();
      const logout = new URL("/logout", config.domain);
      logout.searchParams.set("client_id", config.clientId);
      logout.searchParams.set("logout_uri", new URL("./", window.location.href).href);
      window.location.assign(logout.href);
    },
  };
}

export function signInMethod(config: AppConfig): SignInMethod {
  return config.auth.mode === "cognito" ? cognitoSignIn(config.auth) : localSignIn();
}
