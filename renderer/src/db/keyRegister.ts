// The centre's key-customer register as the desk holds it (the `keyCustomers` configuration
// document, kept by sync under meta `config.keyCustomers`): who it recognises by credit code,
// ID number or 户号, with their account manager.
import {
  findInRegister,
  KeyRegisterDoc,
  type KeyRegisterEntry,
} from '../../../shared/domain/customers';
import { activeDb } from './db';

export const KEY_REGISTER_META = 'config.keyCustomers';

/** The register entry of the customer being typed, if the centre registered them. */
export async function findRegisteredKeyCustomer(q: {
  idNumber?: string;
  creditCode?: string;
  accountNo?: string;
}): Promise<KeyRegisterEntry | undefined> {
  const stored = await activeDb().meta.get(KEY_REGISTER_META);
  const data = (stored?.value as { data?: unknown } | undefined)?.data;
  const doc = KeyRegisterDoc.safeParse(data);
  return doc.success ? findInRegister(doc.data, q) : undefined;
}
