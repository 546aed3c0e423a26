// Pinyin initials of a customer's name (张三丰 → ZSF), stored in applications.name_initials at
// push and at the centre's own writes so that the workbench finds a name by its initials with an
// index. Names without Han characters have none (null): their letters are searched as the name.
import { pinyin } from 'pinyin-pro';

export function nameInitials(name: string | undefined | null): string | null {
  if (!name || !/\p{Script=Han}/u.test(name)) return null;
  const ini = pinyin(name, { pattern: 'first', toneType: 'none', type: 'array', nonZh: 'removed' })
    .join('')
    .toUpperCase()
    .replace(/[^A-Z]/g, '');
  return ini || null;
}
