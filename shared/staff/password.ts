// Password and PIN verifiers: scrypt (a slow, memory-hard salted hash, @noble/hashes, pure JS so
// the same code runs at the centre, in the renderer and in Electron). A verifier carries its own
// parameters so that a later, costlier setting does not invalidate the ones already issued.
import { scryptAsync } from '@noble/hashes/scrypt';
import { bytesToHex, hexToBytes, randomBytes, utf8ToBytes } from '@noble/hashes/utils';
import { z } from 'zod';
import { staffConfig } from './roles';

export const Verifier = z.object({
  alg: z.literal('scrypt'),
  N: z
    .number()
    .int()
    .min(1024)
    .max(1 << 20),
  r: z.number().int().min(1).max(32),
  p: z.number().int().min(1).max(16),
  salt: z.string().regex(/^[0-9a-f]{32,128}$/),
  hash: z.string().regex(/^[0-9a-f]{32,128}$/),
});
export type Verifier = z.infer<typeof Verifier>;

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
  dkLen: number;
}

// NFC so that the same password typed through another input method still matches.
const norm = (secret: string) => utf8ToBytes(secret.normalize('NFC'));

/** Makes a verifier of `secret` with a fresh 16-byte salt. */
export async function makeVerifier(
  secret: string,
  params: ScryptParams = staffConfig.scrypt,
): Promise<Verifier> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(norm(secret), salt, {
    N: params.N,
    r: params.r,
    p: params.p,
    dkLen: params.dkLen,
  });
  return {
    alg: 'scrypt',
    N: params.N,
    r: params.r,
    p: params.p,
    salt: bytesToHex(salt),
    hash: bytesToHex(hash),
  };
}

/** True when `secret` matches; compares in constant time. A malformed verifier never matches. */
export async function checkVerifier(secret: string, v: unknown): Promise<boolean> {
  const parsed = Verifier.safeParse(v);
  if (!parsed.success) return false;
  const { N, r, p, salt, hash } = parsed.data;
  const want = hexToBytes(hash);
  const got = await scryptAsync(norm(secret), hexToBytes(salt), { N, r, p, dkLen: want.length });
  let diff = 0;
  for (let i = 0; i < want.length; i++) diff |= want[i]! ^ got[i]!;
  return diff === 0;
}

/** Why a new password is refused ('' when it is acceptable). */
export function passwordProblem(pw: string, staffNo?: string): string {
  const min = staffConfig.policy.passwordMinLength;
  if (pw.length < min) return `密码至少 ${min} 位`;
  if (!/[0-9]/.test(pw) || !/[A-Za-z]/.test(pw)) return '密码须同时包含字母和数字';
  if (staffNo && pw.toLowerCase().includes(staffNo.toLowerCase())) return '密码不能包含工号';
  return '';
}

/** Why a PIN is refused ('' when acceptable): digits only, within the configured length. */
export function pinProblem(pin: string): string {
  const { pinMinDigits, pinMaxDigits } = staffConfig.policy;
  if (!new RegExp(`^\\d{${pinMinDigits},${pinMaxDigits}}$`).test(pin))
    return `PIN 须为 ${pinMinDigits}–${pinMaxDigits} 位数字`;
  if (/^(\d)\1+$/.test(pin)) return 'PIN 不能是同一个数字';
  return '';
}

/** A temporary password the centre hands out (first sign-in and reset force a change). */
export function temporaryPassword(): string {
  // No look-alikes; 10 characters with letters and digits.
  const letters = 'abcdefghjkmnpqrstuvwxyz';
  const digits = '23456789';
  const bytes = randomBytes(10);
  let s = '';
  for (let i = 0; i < 10; i++) {
    const set = i % 3 === 2 ? digits : letters;
    s += set[bytes[i]! % set.length];
  }
  return s;
}
