/**
 * The error answers of the emulated service. Every code and base message is the one the
 * legacy ModelArts error table gives; some messages get a detail appended (the parameter
 * that failed, the image ID that is unknown) because that is what a developer needs
 * when a test fails. Details never quote a credential.
 */

export class ApiError extends Error {
  override name = "ApiError";
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }

  get body(): { error_code: string; error_msg: string } {
    return { error_code: this.code, error_msg: this.message };
  }
}

const withDetail = (base: string, detail?: string): string => (detail === undefined ? base : `${base} ${detail}`);

export const apiErrors = {
  parameter: (detail: string) => new ApiError(400, "ModelArts.0104", `Parameter error. ${detail}`),
  malformedJson: () => new ApiError(400, "ModelArts.4105", "The JSON format of the input data is incorrect."),
  bodyTooLarge: () =>
    new ApiError(413, "ModelArts.4104", "Invalid Request Content Length. The request body content have beyond limit."),
  resourceNotExists: () => new ApiError(400, "ModelArts.4338", "The resource not exists"),
  labelTaskNotExists: () => new ApiError(400, "ModelArts.4801", "The label task not exists"),
  sampleNotFound: (imageId: string) => new ApiError(400, "ModelArts.4420", `Sample not found: ${imageId}`),
  syncTaskExists: () => new ApiError(400, "ModelArts.4355", "Sync data source task exist"),
  unsupportedForJobType: (jobTypeName: string) =>
    new ApiError(400, "ModelArts.4820", `Unsupported operation, label task type is ${jobTypeName}`),
  apiNotFound: (method: string, path: string) =>
    new ApiError(404, "ModelArts.4204", `Request api error! The API ${method} ${path} is not exist.`),
  tokenEmpty: () => new ApiError(401, "ModelArts.0201", "Token header cannot be empty. No key X-Auth-Token in header."),
  tokenExpired: () => new ApiError(401, "ModelArts.0202", "Invalid Token header. Token expired, please refresh it."),
  tokenInvalid: () => new ApiError(401, "ModelArts.0203", "Invalid Token header. Can't decode the Token."),
  authorizationMissing: () => new ApiError(401, "ModelArts.0205", "No key Authorization in header."),
  authorizationMalformed: (detail?: string) =>
    new ApiError(
      401,
      "ModelArts.0206",
      withDetail("Authorization header format incorrect, please check its format or integrity.", detail),
    ),
  signatureExpired: (detail?: string) =>
    new ApiError(401, "ModelArts.0207", withDetail("Invalid Authorization header. Signature expired, please refresh it.", detail)),
  /** One message for every cause (signature, security token), so the answer tells an attacker nothing. */
  signatureMismatch: () => new ApiError(401, "ModelArts.0208", "Verify Authorization header failed."),
  unknownAccessKey: () => new ApiError(401, "ModelArts.3801", "User credential (AK and SK) does not exist."),
  projectMismatch: () => new ApiError(403, "ModelArts.0210", "The project id in the request URL does not match the token."),
  /** The gateway's throttling answer names the API that reached its limit. */
  tooManyRequests: (operationId: string) => new ApiError(429, "ModelArts.4206", `Too many requests, reached api ${operationId}.`),
  serviceUnavailable: () => new ApiError(503, "ModelArts.4302", "Backend service is not available, please retry later."),
  internal: () =>
    new ApiError(
      500,
      "ModelArts.6102",
      "The server has encountered an error and fails to process the request. Please try again later or submit a service ticket.",
    ),
};
