import { XMLBuilder, XMLParser } from "fast-xml-parser";
import { S3Errors } from "./errors";

const S3_NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/";

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  suppressEmptyNode: false,
});

/** An S3 XML document: `{ ListBucketResult: {...} }`; arrays become repeated elements, undefined is left out. */
export function toXml(rootName: string, body: Record<string, unknown>, namespaced = true): string {
  const root = namespaced ? { "@_xmlns": S3_NAMESPACE, ...body } : body;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({ [rootName]: root }) as string}`;
}

const REPEATED = new Set(["Part", "Object"]);

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => REPEATED.has(name),
});

/** Parses a request body; anything that is not well-formed XML with the expected root is MalformedXML. */
export function parseXml(text: string, rootName: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = parser.parse(text, true);
  } catch {
    throw S3Errors.malformedXml();
  }
  const root = (doc as Record<string, unknown> | undefined)?.[rootName];
  if (root === undefined) throw S3Errors.malformedXml();
  return root === "" ? {} : (root as Record<string, unknown>);
}
