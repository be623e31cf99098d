// The dashboard's Content-Security-Policy and security headers, one copy for CloudFront's response headers policy
// (lib/dashboard.ts) and for local mode, which serves the same files.

/** The dashboard loads only its own bundled scripts and styles and calls only /api on the same origin. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const HSTS_MAX_AGE_SECONDS = 365 * 86_400;

/** The headers as CloudFront writes them from its policy on every answer outside /api (test/local holds them equal). */
export const DASHBOARD_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'strict-transport-security': `max-age=${HSTS_MAX_AGE_SECONDS}; includeSubDomains`,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'strict-origin-when-cross-origin',
};
