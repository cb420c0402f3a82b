// HS256 verification the way a typical Node backend does it.
import crypto from 'node:crypto';

export function verify(token, secret) {
  if (!token) return null;
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const header = JSON.parse(Buffer.from(parts[0], 'base64url'));
  if (header.alg !== 'HS256') return null;
  const mac = crypto.createHmac('sha256', secret).update(`${parts[0]}.${parts[1]}`).digest();
  const sig = Buffer.from(parts[2], 'base64url');
  if (sig.length !== mac.length || !crypto.timingSafeEqual(sig, mac)) return null;
  const claims = JSON.parse(Buffer.from(parts[1], 'base64url'));
  if (typeof claims.exp !== 'number' || claims.exp * 1000 < Date.now()) return null;
  return claims;
}

export function roomsFor(claims) {
  const rooms = [];
  if (claims.role === 'admin' || claims.role === 'ceo') rooms.push('admin-orders');
  if (claims.role === 'manager') for (const c of claims.cityIds ?? []) rooms.push(`city-${c}-orders`);
  rooms.push(`user-${claims.userId}`);
  return rooms;
}
