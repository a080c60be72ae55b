/**
 * S3's error codes, statuses and fixed messages. Messages never repeat caller input (keys are PHI), which is
 * why `<Key>`/`<Resource>` elements that real S3 adds are left out.
 */
export class S3Error extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "S3Error";
  }
}

const e = (code: string, status: number, message: string) => (headers?: Record<string, string>) =>
  new S3Error(code, status, message, headers);

export const S3Errors = {
  accessDenied: e("AccessDenied", 403, "Access Denied"),
  authorizationHeaderMalformed: e(
    "AuthorizationHeaderMalformed",
    400,
    "The authorization header is malformed.",
  ),
  authorizationQueryParametersError: e(
    "AuthorizationQueryParametersError",
    400,
    "The presigned URL's authorization query parameters are malformed.",
  ),
  badDigest: e("BadDigest", 400, "The checksum you specified did not match the calculated checksum."),
  bucketAlreadyOwnedByYou: e(
    "BucketAlreadyOwnedByYou",
    409,
    "Your previous request to create the named bucket succeeded and you already own it.",
  ),
  bucketNotEmpty: e("BucketNotEmpty", 409, "The bucket you tried to delete is not empty."),
  entityTooLarge: e("EntityTooLarge", 400, "Your proposed upload exceeds the maximum allowed size."),
  entityTooSmall: e("EntityTooSmall", 400, "Your proposed upload is smaller than the minimum allowed size."),
  expiredToken: e("AccessDenied", 403, "Request has expired"),
  incompleteBody: e("IncompleteBody", 400, "The request body ended before the declared length."),
  internalError: e("InternalError", 500, "We encountered an internal error. Please try again."),
  invalidAccessKeyId: e(
    "InvalidAccessKeyId",
    403,
    "The AWS Access Key Id you provided does not exist in our records.",
  ),
  invalidArgument: (message: string) => new S3Error("InvalidArgument", 400, message),
  invalidBucketName: e("InvalidBucketName", 400, "The specified bucket is not valid."),
  invalidDigest: e("InvalidDigest", 400, "The Content-MD5 you specified is not valid."),
  invalidPart: e(
    "InvalidPart",
    400,
    "One or more of the specified parts could not be found or did not match the part's entity tag.",
  ),
  invalidPartOrder: e("InvalidPartOrder", 400, "The list of parts was not in ascending order."),
  invalidRange: e("InvalidRange", 416, "The requested range is not satisfiable"),
  invalidRequest: (message: string) => new S3Error("InvalidRequest", 400, message),
  invalidUri: e("InvalidURI", 400, "Couldn't parse the specified URI."),
  keyTooLong: e("KeyTooLongError", 400, "Your key is too long"),
  malformedXml: e(
    "MalformedXML",
    400,
    "The XML you provided was not well-formed or did not validate against our published schema.",
  ),
  methodNotAllowed: e("MethodNotAllowed", 405, "The specified method is not allowed against this resource."),
  missingContentLength: e("MissingContentLength", 411, "You must provide the Content-Length HTTP header."),
  noSuchBucket: e("NoSuchBucket", 404, "The specified bucket does not exist"),
  noSuchKey: e("NoSuchKey", 404, "The specified key does not exist."),
  noSuchUpload: e(
    "NoSuchUpload",
    404,
    "The specified multipart upload does not exist. The upload ID might be invalid, or the multipart upload might have been aborted or completed.",
  ),
  noSuchVersion: e("NoSuchVersion", 404, "The specified version does not exist."),
  notImplemented: e(
    "NotImplemented",
    501,
    "A header or query you provided implies functionality that is not implemented.",
  ),
  requestTimeTooSkewed: e(
    "RequestTimeTooSkewed",
    403,
    "The difference between the request time and the current time is too large.",
  ),
  signatureDoesNotMatch: e(
    "SignatureDoesNotMatch",
    403,
    "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
  ),
  contentSha256Mismatch: e(
    "XAmzContentSHA256Mismatch",
    400,
    "The provided 'x-amz-content-sha256' header does not match what was computed.",
  ),
};
