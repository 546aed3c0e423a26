// Which proxies the central endpoint believes about X-Forwarded-For/-Proto (HALLDESK_TRUST_PROXY).

/**
 * HALLDESK_TRUST_PROXY: unset or "false" = no proxy trusted (X-Forwarded-* ignored); "true" =
 * any; a number = that many hops; else a comma-separated list of proxy addresses or CIDRs.
 */
export function trustProxyFromEnv(v: string | undefined): boolean | number | string[] {
  const s = (v ?? '').trim();
  if (!s || s === 'false' || s === '0') return false;
  if (s === 'true') return true;
  if (/^\d+$/.test(s)) return Number(s);
  return s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
}
