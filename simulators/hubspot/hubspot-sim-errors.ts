import type { SimErrorAnswer } from './hubspot-sim-types';

/**
 * Error bodies as HubSpot writes them: `status: "error"`, a message, a correlation id and a
 * category (rate limits use `errorType`/`policyName` instead). Texts follow answers seen from
 * the real API where known (401, 403, 429, USER_ID_NOT_NUMERIC); the others are plausible.
 */

export const SCOPES_LINK = 'https://developers.hubspot.com/scopes';

/** Renders an error answer with its correlation id. */
export function errorBody(err: SimErrorAnswer, correlationId: string): Record<string, unknown> {
  const body: Record<string, unknown> = { status: 'error', message: err.message, correlationId, category: err.category };
  if (err.subCategory !== undefined) {
    body.subCategory = err.subCategory;
  }
  if (err.errors !== undefined) {
    body.errors = err.errors;
  }
  if (err.context !== undefined) {
    body.context = err.context;
  }
  if (err.links !== undefined) {
    body.links = err.links;
  }
  return body;
}

export type RateLimitPolicy = 'TEN_SECONDLY_ROLLING' | 'DAILY';

/** The body of a 429, as HubSpot sends it (policy name, not category). */
export function rateLimitBody(policy: RateLimitPolicy, correlationId: string, groupKey: string): Record<string, unknown> {
  if (policy === 'DAILY') {
    return {
      status: 'error',
      message: 'You have reached your daily limit.',
      errorType: 'RATE_LIMIT',
      correlationId,
      policyName: 'DAILY',
      requestId: correlationId,
    };
  }
  return {
    status: 'error',
    message: 'You have reached your ten_secondly_rolling limit.',
    errorType: 'RATE_LIMIT',
    correlationId,
    policyName: 'TEN_SECONDLY_ROLLING',
    groupName: `publicapi:private-app-api-calls-ten-secondly:${groupKey}`,
  };
}

export const unauthenticated: SimErrorAnswer = {
  status: 401,
  category: 'INVALID_AUTHENTICATION',
  message:
    'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
};

/** 403 naming the scopes of which one is required. */
export function missingScopes(anyOf: readonly string[]): SimErrorAnswer {
  return {
    status: 403,
    category: 'MISSING_SCOPES',
    message: `This app hasn't been granted all required scopes to make this call. Read more about required scopes here: ${SCOPES_LINK}.`,
    errors: [{ message: 'One or more of the following scopes are required.', context: { requiredGranularScopes: [...anyOf] } }],
    links: { scopes: SCOPES_LINK },
  };
}

/** 400 VALIDATION_ERROR about one field of the request. */
export function validationError(field: string, message: string, code = 'INVALID_VALUE'): SimErrorAnswer {
  return {
    status: 400,
    category: 'VALIDATION_ERROR',
    message,
    errors: [{ message, in: field, code }],
    context: { [field]: [message] },
  };
}

export function userIdNotNumeric(userId: string): SimErrorAnswer {
  return {
    status: 400,
    category: 'VALIDATION_ERROR',
    subCategory: 'ValidationErrors.USER_ID_NOT_NUMERIC',
    message: `Invalid userId "${userId}": user ids are numeric. To use an email address, add idProperty=EMAIL.`,
    errors: [{ message: 'userId must be numeric unless idProperty=EMAIL', in: 'userId', code: 'USER_ID_NOT_NUMERIC' }],
  };
}

export function userNotFound(userId: string, byEmail: boolean): SimErrorAnswer {
  return {
    status: 404,
    category: 'OBJECT_NOT_FOUND',
    message: byEmail ? `No user found with email ${userId}` : `No user found with id ${userId}`,
  };
}

export function duplicateEmail(email: string): SimErrorAnswer {
  return {
    status: 409,
    category: 'CONFLICT',
    message: `A user with email ${email} already exists in this account.`,
    errors: [{ message: 'email already exists', in: 'email', code: 'DUPLICATE' }],
  };
}

export function notFoundRoute(path: string): SimErrorAnswer {
  return { status: 404, category: 'OBJECT_NOT_FOUND', message: `No API route matches ${path}` };
}

export function methodNotAllowed(method: string, path: string): SimErrorAnswer {
  return { status: 405, category: 'VALIDATION_ERROR', message: `Method ${method} is not allowed on ${path}` };
}

export function internalError(): SimErrorAnswer {
  return { status: 500, category: 'INTERNAL_ERROR', message: 'An internal error occurred. Please try again.' };
}
