// Loads pinyin-pro (its own chunk, off the start-up path) and installs the name → initials
// function the search keys use (keys.ts). Writes that derive keys await it first.
import { setNameInitials } from './keys';

let loading: Promise<void> | undefined;

export function ensureNameInitials(): Promise<void> {
  loading ??= import('pinyin-pro')
    .then(({ pinyin }) => {
      setNameInitials((name) =>
        pinyin(name, { pattern: 'first', toneType: 'none', type: 'array', nonZh: 'removed' }).join(
          '',
        ),
      );
    })
    .catch((e: unknown) => {
      // Without it names are still found by their characters; retry on the next write.
      console.error('pinyin initials unavailable', e);
      loading = undefined;
    });
  return loading;
}
