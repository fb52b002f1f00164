// check.mjs reads a pixCopiaECola made by brasa the way a payer's stack
// would, with libraries brasa does not control: pix-utils parses the BR Code
// (CRC included) and fetches the payload from its location; jose verifies
// the JWS against the JWKS named by its jku header. It prints one JSON line.
// Usage: NODE_EXTRA_CA_CERTS=ca.pem node check.mjs <pixCopiaECola>
import { parsePix, hasError } from 'pix-utils';
import * as jose from 'jose';

const code = process.argv[2];
const pix = parsePix(code);
if (hasError(pix)) {
  console.log(JSON.stringify({ error: 'parse', detail: pix }));
  process.exit(1);
}
const fetched = await pix.fetchPayload({ DPP: new Date().toISOString().slice(0, 10) });
if (hasError(fetched)) {
  console.log(JSON.stringify({ error: 'fetchPayload', detail: fetched }));
  process.exit(1);
}
const header = jose.decodeProtectedHeader(fetched.jwsString);
const jwks = jose.createRemoteJWKSet(new URL(header.jku));
const { payload, protectedHeader } = await jose.compactVerify(fetched.jwsString, jwks);
const charge = JSON.parse(new TextDecoder().decode(payload));
console.log(JSON.stringify({
  type: pix.type, url: pix.url, merchantName: pix.merchantName, merchantCity: pix.merchantCity,
  alg: protectedHeader.alg, txid: charge.txid, original: charge.valor.original, status: charge.status,
}));
