/** A button that saves a report's CSV form as a file, with the error in plain words if it fails. */
import { useState } from "react";
import { apiErrorFrom } from "../api/errors";
import { ErrorMessage } from "./states";

type CsvAnswer = Promise<{ data?: unknown; error?: unknown; response: Response }>;

export function ExportCsvButton(props: { load: () => CsvAnswer; filename: string }) {
  const [error, setError] = useState<unknown>();
  const save = async () => {
    setError(undefined);
    try {
      const { data: text, error: body, response } = await props.load();
      if (!response.ok || typeof text !== "string") throw apiErrorFrom(response.status, body);
      const url = URL.createObjectURL(new Blob([text], { type: "text/csv" }));
      const a = document.createElement("a");
      a.href = url;
      a.download = props.filename;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <>
      <button type="button" onClick={() => void save()}>
        Export CSV
      </button>
      {error !== undefined && <ErrorMessage error={error} />}
    </>
  );
}
