// Playwright drives the system's Chromium (Debian's /usr/bin/chromium; no browser download)
// against the real server binary in production mode, serving the release build of the SPA from
// dist/, on a fresh SQLite file, delivering mail over real SMTP to a capturing listener
// (support/smtp-sink.mjs) whose messages the tests read, and texting and calling through the
// signed webhook provider to a capturing HTTP receiver (support/phone-sink.mjs). `cargo xtask test` builds everything
// and sets SSPR_SERVER_BIN.
import { defineConfig } from '@playwright/test';
import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';
import * as crypto from 'node:crypto';

// Set once in the runner and inherited by its workers, so every process agrees. `cargo xtask
// test` passes a folder it removes after the run; run by hand, the folder stays for a look.
process.env.SSPR_E2E_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), 'sspr-e2e-'));
process.env.SSPR_E2E_SECRET ??= crypto.randomBytes(32).toString('base64');
const dataDir = process.env.SSPR_E2E_DIR;
const port = Number(process.env.E2E_PORT ?? 18080);
const smtpPort = Number(process.env.SSPR_E2E_SMTP_PORT ?? 18025);
const phonePort = Number(process.env.SSPR_E2E_PHONE_PORT ?? 18026);
process.env.SSPR_E2E_PHONE_SECRET ??= crypto.randomBytes(32).toString('hex');
const origin = `http://127.0.0.1:${port}`;
const root = path.resolve(__dirname, '..');
export const maildir = path.join(dataDir, 'mail');
export const phonedir = path.join(dataDir, 'phone');

/** The server's environment; the tests run its command line (`invite`) with the same. */
export const serverEnv: Record<string, string> = {
  SSPR_LISTEN: `127.0.0.1:${port}`,
  SSPR_PUBLIC_ORIGIN: origin,
  SSPR_DATABASE_URL: `sqlite://${path.join(dataDir, 'sspr.db')}`,
  SSPR_WEB_DIR: process.env.SSPR_WEB_DIR ?? path.join(root, 'dist'),
  SSPR_DEV: 'false',
  SSPR_SECRET: process.env.SSPR_E2E_SECRET,
  SSPR_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
  SSPR_PHONE_PROVIDER: 'webhook',
  SSPR_PHONE_WEBHOOK_URL: `http://127.0.0.1:${phonePort}/texts-and-calls`,
  SSPR_PHONE_WEBHOOK_SECRET: process.env.SSPR_E2E_PHONE_SECRET,
  SSPR_PHONE_FROM: '+15005550006',
  SSPR_MAIL_FROM: 'Contoso <no-reply@contoso.example>',
  SSPR_ORGANISATION_NAME: 'Contoso',
  SSPR_LOG: 'info',
  // Every test runs from 127.0.0.1: the per-address limits would be hit by the suite itself.
  SSPR_FLOW_STARTS_PER_MINUTE: '1000',
  SSPR_CODE_CHECKS_PER_MINUTE: '1000',
  SSPR_PASSWORD_ATTEMPTS_PER_MINUTE: '1000',
  SSPR_REQUESTS_PER_MINUTE: '10000',
  SSPR_CAPTCHAS_PER_MINUTE: '1000',
  // A few tries of Can't access your account? without the on-screen code (the default, 0, asks
  // every time): the suite's production-mode server cannot show a test its answers.
  SSPR_CAPTCHA_FREE_TRIES: '3',
};
/** A second server whose passcodes live 3 seconds (the expired-code test), in the dark theme
 * (the accessibility test checks its contrast). */
export const shortLivedOrigin = `http://127.0.0.1:${port + 1}`;
const shortLivedEnv: Record<string, string> = {
  ...serverEnv,
  SSPR_LISTEN: `127.0.0.1:${port + 1}`,
  SSPR_PUBLIC_ORIGIN: shortLivedOrigin,
  SSPR_DATABASE_URL: `sqlite://${path.join(dataDir, 'short-lived.db')}`,
  SSPR_PASSCODE_LIFETIME_SECS: '3',
  SSPR_THEME: 'dark',
};
export const serverBin = process.env.SSPR_SERVER_BIN ?? path.join(root, 'target', 'debug', 'sspr-server');

export default defineConfig({
  testDir: './tests',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // The admin specs need an administrator: `admin-setup` bootstraps the first one through the
  // portal and saves its signed-in state; every other spec runs after it.
  projects: [
    { name: 'admin-setup', testMatch: /admin-setup\.spec\.ts/ },
    { name: 'pages', testIgnore: /admin-setup\.spec\.ts/, dependencies: ['admin-setup'] },
  ],
  use: {
    baseURL: origin,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  webServer: [
    {
      command: 'node support/smtp-sink.mjs',
      port: smtpPort,
      reuseExistingServer: false,
      env: { SSPR_E2E_MAILDIR: maildir, SSPR_E2E_SMTP_PORT: String(smtpPort) },
    },
    {
      command: 'node support/phone-sink.mjs',
      url: `http://127.0.0.1:${phonePort}/`,
      reuseExistingServer: false,
      env: {
        SSPR_E2E_PHONEDIR: phonedir,
        SSPR_E2E_PHONE_PORT: String(phonePort),
        SSPR_PHONE_WEBHOOK_SECRET: process.env.SSPR_E2E_PHONE_SECRET,
      },
    },
    {
      command: serverBin,
      url: `${origin}/api/health`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'pipe',
      stderr: 'pipe',
      env: serverEnv,
    },
    {
      command: serverBin,
      url: `${shortLivedOrigin}/api/health`,
      reuseExistingServer: false,
      timeout: 60_000,
      env: shortLivedEnv,
    },
  ],
});
