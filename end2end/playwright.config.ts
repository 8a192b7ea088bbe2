// Playwright drives the system's Chromium (Debian's /usr/bin/chromium; no browser download)
// against the real server binary in production mode, serving the release build of the SPA from
// dist/, on a fresh SQLite file. `cargo xtask test` builds both and sets SSPR_SERVER_BIN.
import { defineConfig } from '@playwright/test';
import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';

const port = Number(process.env.E2E_PORT ?? 18080);
const origin = `http://127.0.0.1:${port}`;
const root = path.resolve(__dirname, '..');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sspr-e2e-'));

export default defineConfig({
  testDir: './tests',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  timeout: 30_000,
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
  webServer: {
    command: process.env.SSPR_SERVER_BIN ?? path.join(root, 'target', 'debug', 'sspr-server'),
    url: `${origin}/api/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      SSPR_LISTEN: `127.0.0.1:${port}`,
      SSPR_PUBLIC_ORIGIN: origin,
      SSPR_DATABASE_URL: `sqlite://${path.join(dataDir, 'sspr.db')}`,
      SSPR_WEB_DIR: process.env.SSPR_WEB_DIR ?? path.join(root, 'dist'),
      SSPR_DEV: 'false',
      SSPR_LOG: 'info',
    },
  },
});
