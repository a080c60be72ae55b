/**
 * The signed-in session, in memory only (a reload or a closed tab signs out, as hospital workstation policies
 * expect). It ends on sign-out, on the first 401 from the API (token expired or revoked) and after the idle
 * timeout; the app then shows sign-in with the reason.
 */
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from "react";
import { createApiClient, type ApiClient } from "../api/client";
import type { AppConfig } from "../config";
import type { SignInMethod } from "./sign-in-methods";
import { identityFromToken, type Identity } from "./token-claims";

export type EndReason = "signed-out" | "expired" | "idle";

interface SessionState {
  token?: string;
  identity?: Identity;
  ended?: EndReason;
}

export interface Session extends SessionState {
  config: AppConfig;
  method: SignInMethod;
  api: ApiClient;
  start(token: string): void;
  end(reason: EndReason): void;
}

const SessionContext = createContext<Session | undefined>(undefined);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside SessionProvider");
  return session;
}

const ACTIVITY_EVENTS = ["pointerdown", "keydown", "wheel", "touchstart"] as const;

export function SessionProvider(props: { config: AppConfig; method: SignInMethod; children: ReactNode }) {
  const [state, setState] = useState<SessionState>({});
  const tokenRef = useRef<string | undefined>(undefined);
  tokenRef.current = state.token;

  const end = useCallback(
    (reason: EndReason) => {
      if (!tokenRef.current) return;
      tokenRef.current = undefined;
      setState({ ended: reason });
      if (reason === "signed-out") void props.method.signOut();
    },
    [props.method],
  );
  const start = useCallback((token: string) => {
    tokenRef.current = token;
    setState({ token, identity: identityFromToken(token) });
  }, []);

  const api = useMemo(
    () =>
      createApiClient(
        props.config.apiBaseUrl,
        () => tokenRef.current,
        () => end("expired"),
      ),
    [props.config.apiBaseUrl, end],
  );

  // Idle timeout: any keyboard or pointer use restarts the clock.
  useEffect(() => {
    if (!state.token) return;
    const ms = props.config.idleTimeoutMinutes * 60_000;
    let timer = window.setTimeout(() => end("idle"), ms);
    const reset = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => end("idle"), ms);
    };
    for (const e of ACTIVITY_EVENTS) window.addEventListener(e, reset, { passive: true });
    return () => {
      window.clearTimeout(timer);
      for (const e of ACTIVITY_EVENTS) window.removeEventListener(e, reset);
    };
  }, [state.token, props.config.idleTimeoutMinutes, end]);

  const value = useMemo<Session>(
    () => ({ ...state, config: props.config, method: props.method, api, start, end }),
    [state, props.config, props.method, api, start, end],
  );
  return <SessionContext.Provider value={value}>{props.children}</SessionContext.Provider>;
}
