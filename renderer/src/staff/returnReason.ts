// A back-office return's reason as configured (settings.workbench.returnReasons), in the UI's
// language; an unknown code (configuration changed since) shows as the code itself.
import type { DeskConfig } from '../desk/config';
import { pick, type Lang } from '../i18n';

export function returnReasonLabel(cfg: DeskConfig, code: string, lang: Lang): string {
  const r = cfg.settings.workbench.returnReasons.find((x) => x.code === code);
  return r ? pick(lang, r.label, r.labelEn) : code;
}
