import { oktaRequestId } from './okta-ids';

/**
 * Okta's error object (`errorCode`, `errorSummary`, `errorLink`, `errorId`, `errorCauses`) and the
 * codes the simulated endpoints answer with.
 */

export interface OktaErrorBody {
  errorCode: string;
  errorSummary: string;
  errorLink: string;
  errorId: string;
  errorCauses: Array<{ errorSummary: string }>;
}

/** The summaries Okta uses for each code the simulator returns. */
export const OKTA_ERROR_SUMMARIES: Readonly<Record<string, string>> = {
  E0000001: 'Api validation failed',
  E0000003: 'The request body was not well-formed.',
  E0000004: 'Authentication failed',
  E0000006: 'You do not have permission to perform the requested action',
  E0000007: 'Not found',
  E0000009: 'Internal Server Error',
  E0000011: 'Invalid token provided',
  E0000016: 'Activation failed because the user is already active',
  E0000022: 'The endpoint does not support the provided HTTP method',
  E0000031: 'Invalid search criteria.',
  E0000038: "This operation is not allowed in the user's current status.",
  E0000047: 'API call exceeded rate limit due to too many requests.',
  E0000053: 'Invalid SCIM filter.',
};

let errorCounter = 0;

/** Builds an error body; `summary` replaces the default summary, `causes` fill `errorCauses`. */
export function oktaError(errorCode: string, summary?: string, causes: string[] = []): OktaErrorBody {
  return {
    errorCode,
    errorSummary: summary ?? OKTA_ERROR_SUMMARIES[errorCode] ?? 'Error',
    errorLink: errorCode,
    errorId: `oae${oktaRequestId(++errorCounter, 'error').slice(0, 22)}`,
    errorCauses: causes.map((errorSummary) => ({ errorSummary })),
  };
}

/** An error answer: HTTP status plus the Okta error body. */
export class OktaHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: OktaErrorBody,
  ) {
    super(body.errorSummary);
    this.name = 'OktaHttpError';
  }
}

/** 400 E0000001 for one bad parameter, worded like Okta's validation errors. */
export function validationError(param: string, problem: string): OktaHttpError {
  return new OktaHttpError(400, oktaError('E0000001', `Api validation failed: ${param}`, [`${param}: ${problem}`]));
}
