import { randomInt } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const DIGITS = '0123456789';

function randomFrom(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** A decimal id of `length` digits without a leading zero (RoleId: 19, UserId: 16). */
export function randomDigits(length: number): string {
  return String(randomInt(1, 10)) + randomFrom(DIGITS, length - 1);
}

/** `LTAI` + 20 random alphanumerics, as Alibaba's long-term AccessKeyIds. */
export function newAccessKeyId(): string {
  return `LTAI${randomFrom(ALPHANUMERIC, 20)}`;
}

export function newAccessKeySecret(): string {
  return randomFrom(ALPHANUMERIC, 30);
}

export const ACCESS_KEY_ID_PATTERN = /^LTAI[A-Za-z0-9]{20}$/;
export const ACCESS_KEY_SECRET_PATTERN = /^[A-Za-z0-9]{30}$/;

/** UTC `YYYY-MM-DDThh:mm:ssZ`, the date format of every RAM/IMS response. */
export function formatDate(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
