import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Participant tokens: `v1.<participantId>.<expiresAtSeconds>.<HMAC-SHA256, base64url>`. The id carries
 * no dots (the API's id pattern), so the token splits unambiguously. Tokens are checked without a
 * store lookup, which keeps authentication off the database.
 */
type TokenCheck =
  | { ok: true; participantId: string }
  | { ok: false; reason: 'invalid' | 'expired' };

export interface TokenSigner {
  issue(participantId: string, nowSeconds: number): { token: string; expiresAt: number };
  verify(token: string, nowSeconds: number): TokenCheck;
  /** Whether the token is the officer token (compared in constant time). */
  isOfficer(token: string): boolean;
}

// The signature is base64url of 32 bytes (43 characters, unpadded); ids follow the API's id pattern.
const TOKEN_SHAPE = /^v1\.([A-Za-z0-9][A-Za-z0-9_:-]{0,63})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;
// Tokens whose signature checked out, so a participant's next requests skip the HMAC; cleared when full.
const VERIFIED_CACHE_SIZE = 100_000;

export function createTokenSigner(secret: Buffer, officerToken: string, ttlSeconds: number): TokenSigner {
  const officer = Buffer.from(officerToken);
  // An ASCII officer token has as many bytes as characters, and so has any token whose bytes equal it.
  const officerIsAscii = officer.length === officerToken.length;
  const verified = new Map<string, { participantId: string; expiresAt: number }>();
  const sign = (payload: string) => createHmac('sha256', secret).update(payload).digest('base64url');
  return {
    issue(participantId, nowSeconds) {
      const expiresAt = nowSeconds + ttlSeconds;
      const payload = `v1.${participantId}.${expiresAt}`;
      return { token: `${payload}.${sign(payload)}`, expiresAt };
    },
    verify(token, nowSeconds) {
      let entry = verified.get(token);
      if (entry === undefined) {
        const parts = TOKEN_SHAPE.exec(token);
        if (parts === null) return { ok: false, reason: 'invalid' };
        const [, participantId, expiresAt, signature] = parts as unknown as [string, string, string, string];
        if (!timingSafeEqual(Buffer.from(sign(`v1.${participantId}.${expiresAt}`)), Buffer.from(signature))) return { ok: false, reason: 'invalid' };
        entry = { participantId, expiresAt: Number(expiresAt) };
        if (verified.size >= VERIFIED_CACHE_SIZE) verified.clear();
        verified.set(token, entry);
      }
      if (entry.expiresAt <= nowSeconds) return { ok: false, reason: 'expired' };
      return { ok: true, participantId: entry.participantId };
    },
    isOfficer(token) {
      // Only the length can leak through timing, and the length of a bearer token is no secret; a
      // token of another length (every participant token) is told apart without a copy, and, when the
      // officer token is ASCII, by its count of characters without measuring its bytes.
      if (officerIsAscii && token.length !== officer.length) return false;
      if (Buffer.byteLength(token) !== officer.length) return false;
      return timingSafeEqual(Buffer.from(token), officer);
    },
  };
}
