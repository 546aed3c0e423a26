// The Content Security Policy of every page the shell serves: the same text as the meta tag in
// renderer/index.html, sent as a header by the app:// protocol (a test checks they agree).
export const CSP_DIRECTIVES: readonly (readonly [string, string])[] = [
  ['default-src', "'self'"],
  ['script-src', "'self'"],
  ['style-src', "'self' 'unsafe-inline'"],
  ['img-src', "'self' data: blob:"],
  // http(s): the central endpoint and the hall queue service are configured per deployment.
  ['connect-src', "'self' http: https:"],
  ['media-src', "'self' blob: data:"],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  ['frame-ancestors', "'none'"],
];

export const CONTENT_SECURITY_POLICY = CSP_DIRECTIVES.map(([k, v]) => `${k} ${v}`).join('; ');

/** Parses a policy into directive → sorted source list, to compare policies written differently. */
export function parseCsp(policy: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of policy.split(';')) {
    const tokens = part.trim().split(/\s+/).filter(Boolean);
    const [name, ...sources] = tokens;
    if (!name) continue;
    out.set(name.toLowerCase(), sources.sort().join(' '));
  }
  return out;
}
