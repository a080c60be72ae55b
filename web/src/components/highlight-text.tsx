/**
 * A search highlight as text with its matched terms marked. The API sends HTML-escaped text with matches in
 * <em>…</em> (OpenSearch's highlighter format); it is turned into text nodes and <mark> elements here, never
 * parsed as HTML (the fragment is OCR text: anything may be in it).
 */
const ENTITIES: Record<string, string> = {
  "&amp;": "&",
  "&lt;": "<",
  "&gt;": ">",
  "&quot;": '"',
  "&#39;": "'",
  "&#x27;": "'",
};
const unescape = (s: string) => s.replace(/&(?:amp|lt|gt|quot|#39|#x27);/g, (e) => ENTITIES[e] ?? e);

export function HighlightText({ text }: { text: string }) {
  const parts = text.split(/(<em>|<\/em>)/);
  let marked = false;
  return (
    <>
      {parts.map((part, i) => {
        if (part === "<em>") return ((marked = true), null);
        if (part === "</em>") return ((marked = false), null);
        const plain = unescape(part);
        return marked ? <mark key={i}>{plain}</mark> : <span key={i}>{plain}</span>;
      })}
    </>
  );
}
