/**
 * A page image with the boxes of the fields read on it. A box is a button: choosing it selects its field, and
 * the selected field's box is outlined. Zoom scales the image and its boxes together (boxes are page-relative).
 */
import { useState } from "react";
import type { components } from "../api/schema.gen";
import { fieldLabel, percent } from "./labels";

type PageImage = components["schemas"]["PageImage"];

const ZOOMS = [50, 75, 100, 125, 150, 200, 300];

export function PageViewer(props: {
  page: PageImage;
  selected?: string;
  onSelect: (field: string) => void;
  onPage: (n: number) => void;
  threshold: number;
}) {
  const { page, selected, onSelect, onPage, threshold } = props;
  const [zoom, setZoom] = useState(100);
  const zoomAt = ZOOMS.indexOf(zoom);
  return (
    <section className="viewer" aria-label="Page image">
      <div className="viewer-tools" role="toolbar" aria-label="Page and zoom">
        <button type="button" disabled={page.page <= 1} onClick={() => onPage(page.page - 1)}>
          Previous page
        </button>
        <span aria-live="polite">
          Page {page.page} of {page.pageCount}
        </span>
        <button type="button" disabled={page.page >= page.pageCount} onClick={() => onPage(page.page + 1)}>
          Next page
        </button>
        <button
          type="button"
          aria-label="Zoom out"
          disabled={zoomAt <= 0}
          onClick={() => setZoom(ZOOMS[zoomAt - 1]!)}
        >
          −
        </button>
        <span>{zoom} %</span>
        <button
          type="button"
          aria-label="Zoom in"
          disabled={zoomAt >= ZOOMS.length - 1}
          onClick={() => setZoom(ZOOMS[zoomAt + 1]!)}
        >
          +
        </button>
      </div>
      <div className="page-scroll">
        <div className="page-frame" style={{ width: `${zoom}%` }}>
          <img src={page.url} alt={`Scan of page ${page.page}`} className="page-image" />
          {page.fields
            .filter((f) => f.bbox.width > 0 && f.bbox.height > 0)
            .map((f) => (
              <button
                key={f.name}
                type="button"
                className={`box${f.name === selected ? " selected" : ""}${f.confidence < threshold && f.source !== "human" ? " doubtful" : ""}`}
                style={{
                  left: `${f.bbox.left * 100}%`,
                  top: `${f.bbox.top * 100}%`,
                  width: `${f.bbox.width * 100}%`,
                  height: `${f.bbox.height * 100}%`,
                }}
                aria-label={`${fieldLabel(f.name)}: ${f.value}${f.source === "human" ? " (corrected)" : `, confidence ${percent(f.confidence)}`}`}
                aria-pressed={f.name === selected}
                data-field={f.name}
                onClick={() => onSelect(f.name)}
              />
            ))}
        </div>
      </div>
    </section>
  );
}
