// Looking a business type up in a catalogue, without the catalogue's schemas (catalogue.ts
// validates and re-exports this): the start-up first paint of the list names each row's type.
import type { BusinessType, Catalogue } from './catalogue';

export function findBusinessType(
  cat: Pick<Catalogue, 'types'>,
  code: string,
): BusinessType | undefined {
  return cat.types.find((t) => t.code === code.trim());
}
