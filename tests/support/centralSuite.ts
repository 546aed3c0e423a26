// One central endpoint per describe block for the central-* integration tests: beforeAll starts it
// on fresh storage of the given database variant and runs the suite's own set-up (halls, devices);
// afterAll stops it and removes the storage.
import { afterAll, beforeAll } from 'vitest';
import type { DbVariant, TestCentral, TestStorage } from './server';
import { startCentral, testStorage } from './server';

/** Call inside a describe block; `setUp` receives the running endpoint (keep it for the tests). */
export function centralForSuite(
  variant: DbVariant,
  label: string,
  setUp: (c: TestCentral) => Promise<void>,
): void {
  let storage: TestStorage | undefined;
  let c: TestCentral | undefined;
  beforeAll(async () => {
    const s = await testStorage(variant, label);
    if (typeof s === 'string') throw new Error(s);
    storage = s;
    c = await startCentral(storage);
    await setUp(c);
  });
  afterAll(async () => {
    await c?.close();
    await storage?.cleanup();
  });
}
