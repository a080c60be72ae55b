import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Navigate, useLocation, useNavigate } from "react-router";
import { useSession, type EndReason } from "../auth/session";
import { ErrorMessage, Loading } from "../components/states";

const ENDED: Record<EndReason, string> = {
  expired: "Your session expired. Sign in again to continue.",
  idle: "You were signed out because the workstation was idle.",
  "signed-out": "You have signed out.",
};

/**
 * Sign-in: the Cognito hosted UI in AWS (a redirect and back), or one of the local stack's identities locally.
 * After sign-in, back to the page that asked for it.
 */
export function SignInPage() {
  const session = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const returnTo = (location.state as { returnTo?: string } | null)?.returnTo ?? "/";
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  // Back from the hosted UI: finish the code exchange.
  useEffect(() => {
    session.method.completeRedirect().then(
      (done) => {
        if (!done) return;
        session.start(done.token);
        navigate(done.returnTo, { replace: true });
      },
      () => setError("Sign-in did not complete. Try again."),
    );
  }, []);

  const identities = useQuery({
    queryKey: ["local-identities"],
    queryFn: () => session.method.identities(),
    enabled: session.method.kind === "local",
  });

  if (session.token) return <Navigate to={returnTo} replace />;

  const signIn = async (choice?: string) => {
    setBusy(true);
    setError(undefined);
    try {
      session.start(await session.method.signIn(choice, returnTo));
      navigate(returnTo, { replace: true });
    } catch {
      setError("Sign-in failed. Try again.");
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="page sign-in">
      <h1>Sign in to chartbridge</h1>
      {session.ended && (
        <p className="notice" role="status">
          {ENDED[session.ended]}
        </p>
      )}
      {error && (
        <p className="state error" role="alert">
          {error}
        </p>
      )}
      {session.method.kind === "cognito" ? (
        <button type="button" className="primary" disabled={busy} onClick={() => void signIn()}>
          Sign in with your organization account
        </button>
      ) : identities.isPending ? (
        <Loading what="local identities" />
      ) : identities.isError ? (
        <ErrorMessage error={identities.error} />
      ) : (
        <>
          <p>This is a local chartbridge stack. Choose who to be:</p>
          <ul className="identities">
            {identities.data?.map((i) => (
              <li key={i.id}>
                <button type="button" className="primary" disabled={busy} onClick={() => void signIn(i.id)}>
                  {i.label}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </main>
  );
}
