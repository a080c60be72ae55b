/**
 * The subset of Amazon Textract's response shape chartbridge reads. Both OCR adapters produce it, so
 * extraction reads one format. Field names match the Textract API exactly (PascalCase), which lets saved
 * Textract JSON be used as-is.
 */
export type BlockType =
  | "PAGE"
  | "LINE"
  | "WORD"
  | "KEY_VALUE_SET"
  | "SELECTION_ELEMENT"
  | "TABLE"
  | "CELL"
  | "MERGED_CELL"
  | "QUERY"
  | "QUERY_RESULT"
  | (string & {});

export interface TextractBoundingBox {
  Left: number;
  Top: number;
  Width: number;
  Height: number;
}

export interface TextractBlock {
  Id: string;
  BlockType: BlockType;
  Text?: string;
  Confidence?: number;
  Page?: number;
  TextType?: "PRINTED" | "HANDWRITING";
  EntityTypes?: string[];
  RowIndex?: number;
  ColumnIndex?: number;
  RowSpan?: number;
  ColumnSpan?: number;
  SelectionStatus?: "SELECTED" | "NOT_SELECTED";
  Query?: { Text: string; Alias?: string; Pages?: string[] };
  Geometry?: {
    BoundingBox: TextractBoundingBox;
    Polygon?: { X: number; Y: number }[];
  };
  Relationships?: { Type: string; Ids: string[] }[];
}

/** A whole Textract result (all Get… pages merged). */
export interface TextractDocument {
  DocumentMetadata: { Pages: number };
  Blocks: TextractBlock[];
  /** e.g. "DetectDocumentText/1.0", "chartbridge-local-ocr/tesseract-5". */
  DetectDocumentTextModelVersion?: string;
  AnalyzeDocumentModelVersion?: string;
  JobStatus?: string;
  StatusMessage?: string;
  Warnings?: { ErrorCode?: string; Pages?: number[] }[];
}
