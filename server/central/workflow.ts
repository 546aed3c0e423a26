// The back office's use of the shared workflow rules (shared/domain/workflow.ts): a transition
// asked for over the API or the CLI, with the centre's catalogue, mapped onto API errors.
import type { Catalogue } from '../../shared/domain/catalogue';
import { defaultCatalogue, loadCatalogue } from '../../shared/domain/catalogue';
import type { Application } from '../../shared/domain/model';
import { WorkflowError, applyTransition, isTerminal } from '../../shared/domain/workflow';
import type { TransitionRequest } from '../../shared/protocol';
import { fail } from './errors';

export function isOpenStatus(status: string): boolean {
  return !isTerminal(status);
}

function catalogueFrom(data: unknown): Catalogue {
  if (data === undefined) return defaultCatalogue;
  try {
    return loadCatalogue(data);
  } catch {
    // The stored catalogue was validated when written; a newer build may read it differently.
    return defaultCatalogue;
  }
}

export function applyBackOfficeTransition(
  app: Application,
  req: TransitionRequest,
  now: string,
  catalogueData: unknown,
): Application {
  // Desk clocks can be ahead of the centre's: never record a move before the previous one.
  const last = app.history[app.history.length - 1];
  const at = last && Date.parse(last.at) > Date.parse(now) ? last.at : now;
  try {
    return applyTransition(app, req.to, req.actor, at, req.note, {
      catalogue: catalogueFrom(catalogueData),
    });
  } catch (err) {
    if (err instanceof WorkflowError) {
      fail('E_INVALID_TRANSITION', `${err.messageZh} (${err.messageEn})`, {
        workflowCode: err.code,
      });
    }
    throw err;
  }
}
