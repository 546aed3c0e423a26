// Serves the renderer build over app://halldesk/ with the CSP header on every response; paths
// outside the build are refused by protocolPath.ts. Must be registered before app 'ready'.
import fs from 'node:fs';
import { protocol } from 'electron';
import { APP_SCHEME, SECURITY_HEADERS, mimeType, resolveAppPath } from './protocolPath';

export function registerAppSchemePrivileges(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      // standard + secure: a real origin ('self' in the CSP, IndexedDB, service-worker-free).
      privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
    },
  ]);
}

export function handleAppProtocol(root: string, log: (msg: string) => void): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const resolved = resolveAppPath(root, request.url, { realpath: fs.realpathSync });
    if (!resolved.ok) {
      if (resolved.status !== 404) log(`app:// refused ${request.url}: ${resolved.reason}`);
      return new Response(null, { status: resolved.status, headers: SECURITY_HEADERS });
    }
    try {
      const body = await fs.promises.readFile(resolved.filePath);
      return new Response(body, {
        status: 200,
        headers: { ...SECURITY_HEADERS, 'content-type': mimeType(resolved.filePath) },
      });
    } catch {
      return new Response(null, { status: 404, headers: SECURITY_HEADERS });
    }
  });
}
