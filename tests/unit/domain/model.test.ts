// The zod schemas in model.ts accept what the factories build and reject broken records.
import { describe, expect, it } from 'vitest';
import {
  Application,
  AttachmentMeta,
  Draft,
  Feedback,
  OutboxEntry,
} from '../../../shared/domain/model';
import { defaultCatalogue } from '../../../shared/domain/catalogue';
import {
  makeApplication,
  makeAttachmentMeta,
  makeDraft,
  makeFeedback,
  makeOutboxEntry,
} from './factories';

describe('model schemas', () => {
  it('parse a factory-built application of every business type', () => {
    for (const t of defaultCatalogue.types) {
      const app = makeApplication({ businessCode: t.code });
      const parsed = Application.parse(app);
      expect(parsed.businessCode).toBe(t.code);
      expect(parsed.workflowPath).toBe(t.workflow);
      expect(parsed.history).toHaveLength(1);
    }
  });

  it('parse the other factory-built entities', () => {
    expect(Feedback.parse(makeFeedback()).kind).toBe('complaint');
    expect(AttachmentMeta.parse(makeAttachmentMeta()).size).toBe(123_456);
    expect(Draft.parse(makeDraft()).businessCode).toBe('101');
    expect(OutboxEntry.parse(makeOutboxEntry()).state).toBe('pending');
  });

  it('reject broken applications', () => {
    expect(Application.safeParse({ ...makeApplication(), id: 'not-a-uuid' }).success).toBe(false);
    expect(Application.safeParse({ ...makeApplication(), deadline: '2026/12/03' }).success).toBe(
      false,
    );
    expect(Application.safeParse({ ...makeApplication(), customerKind: 'alien' }).success).toBe(
      false,
    );
    const app = makeApplication();
    expect(
      Application.safeParse({ ...app, customer: { ...app.customer, name: '  ' } }).success,
    ).toBe(false);
  });

  it('default commitmentSigned and serverVersion when absent', () => {
    const { commitmentSigned: _c, serverVersion: _s, ...rest } = makeApplication();
    const parsed = Application.parse(rest);
    expect(parsed.commitmentSigned).toBe(false);
    expect(parsed.serverVersion).toBe(0);
  });
});
