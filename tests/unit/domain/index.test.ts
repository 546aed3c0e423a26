// The barrel re-exports every domain module under one import.
import { describe, expect, it } from 'vitest';
import * as domain from '../../../shared/domain';

describe('shared/domain index', () => {
  it('exposes the public API of every module', () => {
    for (const name of [
      'Application',
      'loadCatalogue',
      'defaultCatalogue',
      'searchBusinessTypes',
      'validateResidentId',
      'validateCreditCode',
      'validatePhone',
      'WorkCalendar',
      'CalendarMissingYearError',
      'mergeCalendar',
      'shanghaiDate',
      'allowedTransitions',
      'applyTransition',
      'STATE_LABELS',
      'makeApplicationNo',
      'parseApplicationNo',
      'maskId',
      'reviewApplication',
      'defaultSettings',
      'computeFeedbackDue',
    ])
      expect(domain, name).toHaveProperty(name);
  });
});
