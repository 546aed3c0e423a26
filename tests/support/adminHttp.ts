// One administrator call over real HTTP, JSON both ways; a non-2xx answer throws with its body
// (the sync tests' AdminClient and bench:fleet's endpoint helpers).
export async function adminJson<T>(
  base: string,
  token: string,
  method: string,
  p: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(base + p, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${p} → ${res.status} ${text}`);
  return JSON.parse(text) as T;
}
