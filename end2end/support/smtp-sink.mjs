// A real SMTP listener for the browser tests: the server under test delivers its mail here, and
// each message is written as JSON ({to, data}) into $SSPR_E2E_MAILDIR, where the tests read the
// passcodes. It speaks just enough SMTP for a client: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT.
import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';

const port = Number(process.env.SSPR_E2E_SMTP_PORT ?? 18025);
const maildir = process.env.SSPR_E2E_MAILDIR;
if (!maildir) throw new Error('SSPR_E2E_MAILDIR is not set');
fs.mkdirSync(maildir, { recursive: true });
let count = 0;

net
  .createServer((socket) => {
    let buffer = '';
    let to = [];
    let inData = false;
    let data = [];
    socket.write('220 e2e-sink ESMTP\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      let end;
      while ((end = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            count += 1;
            const file = path.join(maildir, `${Date.now()}-${String(count).padStart(6, '0')}.json`);
            fs.writeFileSync(file, JSON.stringify({ to, data: data.join('\n') }));
            to = [];
            data = [];
            socket.write('250 queued\r\n');
          } else {
            data.push(line.startsWith('..') ? line.slice(1) : line);
          }
          continue;
        }
        const upper = line.toUpperCase();
        if (upper.startsWith('RCPT TO')) {
          to.push(line.slice(line.indexOf(':') + 1).trim().replace(/^<|>$/g, ''));
          socket.write('250 OK\r\n');
        } else if (upper === 'DATA') {
          inData = true;
          socket.write('354 go ahead\r\n');
        } else if (upper === 'QUIT') {
          socket.end('221 bye\r\n');
        } else {
          if (upper.startsWith('MAIL FROM') || upper.startsWith('RSET')) to = [];
          socket.write('250 OK\r\n');
        }
      }
    });
    socket.on('error', () => {});
  })
  .listen(port, '127.0.0.1', () => console.log(`smtp sink on 127.0.0.1:${port}, mail in ${maildir}`));
