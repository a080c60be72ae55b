/**
 * Routes of the app. Hash routing on purpose: what follows `#` never leaves the browser, so the patient names and
 * MRNs in a bookmarked search stay out of CloudFront's and the local server's access logs and out of Referer
 * headers, and any static host serves the app without rewrite rules.
 */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { createHashRouter, Navigate, RouterProvider, useLocation } from "react-router";
import { ApiError } from "./api/errors";
import { SessionProvider, useSession } from "./auth/session";
import type { SignInMethod } from "./auth/sign-in-methods";
import { isAdmin, isStaff, isVendor } from "./auth/token-claims";
import { Layout } from "./components/layout";
import type { AppConfig } from "./config";
import { AdminPage } from "./pages/admin-page";
import { RecordPage } from "./pages/record-page";
import { ReviewPage } from "./pages/review-page";
import { SearchPage } from "./pages/search-page";
import { SignInPage } from "./pages/sign-in-page";
import { TimelinePage } from "./pages/timeline-page";
import { UploadsPage } from "./pages/uploads-page";
import { BatchesPage } from "./pages/batches-page";

function queryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // A refusal or a missing record does not get better by asking again.
        retry: (count, error) =>
          count < 2 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
        refetchOnWindowFocus: false,
        staleTime: 10_000,
      },
    },
  });
}

/** Where a signed-in person starts: records staff at search, vendors at their uploads. */
function Home() {
  const { identity } = useSession();
  if (isStaff(identity)) return <Navigate to="/search" replace />;
  if (isVendor(identity)) return <Navigate to="/uploads" replace />;
  return <p className="state">Your account has no role in chartbridge. Ask your administrator for access.</p>;
}

/** Views behind sign-in: without a session, sign-in first, then back here. */
function RequireSession(props: {
  children: React.ReactNode;
  allow?: (s: ReturnType<typeof useSession>) => boolean;
}) {
  const session = useSession();
  const location = useLocation();
  if (!session.token) {
    return <Navigate to="/sign-in" replace state={{ returnTo: location.pathname + location.search }} />;
  }
  if (props.allow && !props.allow(session)) {
    return (
      <p className="state error" role="alert">
        Your account is not allowed to see this page.
      </p>
    );
  }
  return <>{props.children}</>;
}

const staff = (s: ReturnType<typeof useSession>) => isStaff(s.identity);
const admin = (s: ReturnType<typeof useSession>) => isAdmin(s.identity);

const router = createHashRouter([
  { path: "/sign-in", element: <SignInPage /> },
  {
    element: (
      <RequireSession>
        <Layout />
      </RequireSession>
    ),
    children: [
      { index: true, element: <Home /> },
      {
        path: "search",
        element: (
          <RequireSession allow={staff}>
            <SearchPage />
          </RequireSession>
        ),
      },
      {
        path: "records/:id",
        element: (
          <RequireSession allow={staff}>
            <RecordPage />
          </RequireSession>
        ),
      },
      {
        path: "review",
        element: (
          <RequireSession allow={staff}>
            <ReviewPage />
          </RequireSession>
        ),
      },
      {
        path: "patients/:mrn",
        element: (
          <RequireSession allow={staff}>
            <TimelinePage />
          </RequireSession>
        ),
      },
      {
        path: "admin",
        element: (
          <RequireSession allow={admin}>
            <AdminPage />
          </RequireSession>
        ),
      },
      { path: "uploads", element: <UploadsPage /> },
      { path: "batches", element: <BatchesPage /> },
      { path: "*", element: <p className="state">This page does not exist.</p> },
    ],
  },
]);

/** PHI fetched during a session is dropped from memory when the session ends. */
function ClearOnSessionEnd({ client }: { client: QueryClient }) {
  const { token } = useSession();
  useEffect(() => {
    if (!token) client.clear();
  }, [token, client]);
  return null;
}

export function App(props: { config: AppConfig; method: SignInMethod }) {
  const [client] = useState(queryClient);
  return (
    <SessionProvider config={props.config} method={props.method}>
      <QueryClientProvider client={client}>
        <ClearOnSessionEnd client={client} />
        <RouterProvider router={router} />
      </QueryClientProvider>
    </SessionProvider>
  );
}
