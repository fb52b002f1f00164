// client.mjs drives brasa with brpix-api-node, a third-party Pix API client,
// unchanged but for its base URL: token over mutual TLS with the PKCS#12 of
// sandbox.json, PUT /v2/cob/{txid}, GET /v2/cob/{txid}. It prints one JSON
// line. Usage: NODE_EXTRA_CA_CERTS=ca.pem node client.mjs <sandbox.json> <txid>
import pkg from 'brpix-api-node';
import fs from 'node:fs';

const { ApiPix } = pkg;
const sb = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const txid = process.argv[3];
const pix = new ApiPix({
  clientId: sb.pix.client_id, clientSecret: sb.pix.client_secret, baseURL: sb.api_url,
  certificate: { path: sb.pix.pfx_file, passphrase: sb.pix.pfx_password },
});
await pix.init();
const created = await pix.createCob({
  calendario: { expiracao: 3600 }, chave: sb.pix.chave,
  devedor: { cpf: '52998224725', nome: 'Fulano de Tal' },
  solicitacaoPagador: 'Pagamento do pedido 123', valor: { original: '10.20' },
}, txid);
const read = await pix.consultCob(txid);
console.log(JSON.stringify({ created, read }));
