// A real HTTP receiver for the server's `webhook` phone provider in the browser tests: it checks
// each request's HMAC-SHA256 signature (`X-SSPR-Signature: v1=<hex of HMAC("{timestamp}.{body}")>`
// under $SSPR_PHONE_WEBHOOK_SECRET) and its freshness, answers 401 to anything else (the server
// then retries), and writes each accepted text or call as JSON ({id, purpose, channel, to,
// extension, text}) into $SSPR_E2E_PHONEDIR, where the tests read the codes.
import http from 'node:http';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const port = Number(process.env.SSPR_E2E_PHONE_PORT ?? 18026);
const phonedir = process.env.SSPR_E2E_PHONEDIR;
const secret = process.env.SSPR_PHONE_WEBHOOK_SECRET;
if (!phonedir || !secret) throw new Error('SSPR_E2E_PHONEDIR and SSPR_PHONE_WEBHOOK_SECRET must be set');
fs.mkdirSync(phonedir, { recursive: true });
let count = 0;

function signedRightly(timestamp, signature, body) {
  if (!timestamp || !signature || Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const expected = 'v1=' + crypto.createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return expected.length === signature.length && crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(signature));
}

http
  .createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (request.method === 'GET') {
        response.writeHead(200).end('phone sink');
        return;
      }
      if (request.method !== 'POST' || !signedRightly(request.headers['x-sspr-timestamp'], request.headers['x-sspr-signature'], body)) {
        response.writeHead(401).end();
        return;
      }
      const message = JSON.parse(body);
      count += 1;
      const file = path.join(phonedir, `${Date.now()}-${String(count).padStart(6, '0')}.json`);
      fs.writeFileSync(file, JSON.stringify(message));
      response.writeHead(204).end();
    });
  })
  .listen(port, '127.0.0.1');
