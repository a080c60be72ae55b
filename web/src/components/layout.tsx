import { NavLink, Outlet } from "react-router";
import { useSession } from "../auth/session";
import { isAdmin, isStaff, isVendor } from "../auth/token-claims";

/** Header with the views the person's roles open, who is signed in, and sign-out. */
export function Layout() {
  const { identity, end } = useSession();
  return (
    <>
      <a
        className="skip-link"
        href="#main"
        onClick={(e) => (e.preventDefault(), document.getElementById("main")?.focus())}
      >
        Skip to content
      </a>
      <header className="top">
        <span className="brand">chartbridge</span>
        <nav aria-label="Main">
          <ul>
            {isStaff(identity) && (
              <>
                <li>
                  <NavLink to="/search">Search</NavLink>
                </li>
                <li>
                  <NavLink to="/review">Review queue</NavLink>
                </li>
              </>
            )}
            {isAdmin(identity) && (
              <li>
                <NavLink to="/admin">Audit and reprocess</NavLink>
              </li>
            )}
            {isVendor(identity) && (
              <>
                <li>
                  <NavLink to="/batches">Batches</NavLink>
                </li>
                <li>
                  <NavLink to="/uploads">Uploads</NavLink>
                </li>
              </>
            )}
          </ul>
        </nav>
        <span className="who">
          Signed in as <strong>{identity?.name}</strong> ({identity?.roles.join(", ") || "no role"})
        </span>
        <button type="button" onClick={() => end("signed-out")}>
          Sign out
        </button>
      </header>
      <main id="main" className="page" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
