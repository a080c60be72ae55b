/** The filters several views share: document type and status, labelled, with an "any" choice. */
import { DOCUMENT_TYPE_NAMES, statusLabel, STATUS_LABELS, typeLabel } from "./labels";

interface SelectProps {
  id: string;
  value: string;
  onChange: (value: string) => void;
  label?: string;
}

export function DocumentTypeSelect({ id, value, onChange, label = "Document type" }: SelectProps) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">Any type</option>
        {DOCUMENT_TYPE_NAMES.map((t) => (
          <option key={t} value={t}>
            {typeLabel(t)}
          </option>
        ))}
      </select>
    </div>
  );
}

export function StatusSelect({ id, value, onChange, label = "Status" }: SelectProps) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">Any status</option>
        {Object.keys(STATUS_LABELS).map((s) => (
          <option key={s} value={s}>
            {statusLabel(s)}
          </option>
        ))}
      </select>
    </div>
  );
}
