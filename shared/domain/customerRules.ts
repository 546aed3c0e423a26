// The key-customer rules (shared/config/customerRules.json): the reasons a customer is key and
// the thresholds the centre's "suggested key customers" list applies to the customer records.
import { z } from 'zod';
import rulesJson from '../config/customerRules.json';
import { KeyReason } from './customers';

export const CustomerRules = z.object({
  version: z.number().int().nonnegative(),
  reasons: z.array(z.object({ code: KeyReason, zh: z.string().min(1), en: z.string().min(1) })),
  suggest: z.object({
    /** Requested capacity (the catalogue's `capacity` field) at or above this. */
    minCapacity: z.number().positive(),
    voltageLevels: z.array(z.string().min(1)),
    /** Field keys that hold an annual consumption (kWh), where a business type records one. */
    consumptionFieldKeys: z.array(z.string().min(1)),
    minConsumptionKwh: z.number().positive(),
    /** Business types whose customers are key by category (e.g. high-voltage installs). */
    businessCodes: z.array(z.string().min(1)),
  }),
  /** May a key customer's account manager come from another hall's roster? */
  managerFromOtherHall: z.boolean(),
});
export type CustomerRules = z.infer<typeof CustomerRules>;

export const customerRules: CustomerRules = CustomerRules.parse(rulesJson);
