import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app";
import { loadConfig } from "./config";
import { signInMethod } from "./auth/sign-in-methods";
import "./styles.css";

const root = createRoot(document.getElementById("root")!);

loadConfig().then(
  (config) =>
    root.render(
      <StrictMode>
        <App config={config} method={signInMethod(config)} />
      </StrictMode>,
    ),
  () =>
    root.render(
      <main className="page">
        <p role="alert">chartbridge cannot start: its configuration did not load. Reload the page.</p>
      </main>,
    ),
);
