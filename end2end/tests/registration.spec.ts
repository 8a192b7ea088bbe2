// Registration at sign-in: with the reset policy requiring two methods (the email address and
// security questions) and registration at sign-in, a user who holds only their address is
// stopped by "More information required" after the sign-up and after each password, may skip it three times (with
// the registration campaign's snooze set to 0 days, so each next sign-in asks again), and at
// the fourth sign-in registers questions on the security info page and selects Done to go on.
// axe finds no violation on the interrupt. The policy is put back afterwards, since every spec
// shares the server.
import { test, expect, type APIRequestContext, type Page } from '@playwright/test';
import { uniqueEmail } from './fixtures/mailbox';
import { axeClean, registerQuestions, requireMethods, setSnooze } from './fixtures/methods';
import { PASSWORD, SignInPage, signUp } from './fixtures/pages';
import { asAdmin } from './fixtures/user_flows';

let admin: APIRequestContext;
let restore: () => Promise<void>;
let restoreSnooze: () => Promise<void>;

test.beforeAll(async ({ baseURL }) => {
  admin = await asAdmin(baseURL!);
  restore = await requireMethods(admin, 2, ['email', 'security_questions'], { require_registration: true });
  restoreSnooze = await setSnooze(admin, 0);
});

test.afterAll(async () => {
  await restoreSnooze();
  await restore();
  await admin.dispose();
});

async function signInAgain(page: Page, email: string) {
  await page.context().clearCookies();
  await new SignInPage(page).signIn(email, PASSWORD);
}

test('registration is enforced at sign-in, skipped three times, then registering a method completes it', async ({ page }) => {
  const email = uniqueEmail('registers');
  // The sign-up itself stops for it first.
  await signUp(page, email, PASSWORD, true);
  const heading = page.getByRole('heading', { level: 1 });

  for (const left of [3, 2, 1]) {
    if (left !== 3) {
      await signInAgain(page, email);
    }
    await expect(heading).toHaveText('More information required');
    await expect(page).toHaveURL(/\/more-info$/);
    await expect(page.getByText(`Times you can still skip: ${left}`)).toBeVisible();
    if (left === 3) {
      await page.screenshot({ path: 'test-results/more-info.png', fullPage: true });
      await axeClean(page, 'more-info');
    }
    await page.getByRole('button', { name: 'Skip for now' }).click();
    await expect(page).toHaveURL(/\/account$/);
    await expect(heading).toHaveText('Your account');
  }

  // The fourth sign-in cannot skip.
  await signInAgain(page, email);
  await expect(heading).toHaveText('More information required');
  await expect(page.getByRole('button', { name: 'Next' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Skip for now' })).toHaveCount(0);
  await axeClean(page, 'more-info-no-skip');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page).toHaveURL(/\/account\/security-info$/);
  await expect(heading).toHaveText('Security info');

  // Done before registering: the page says what is missing.
  await page.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByRole('alert')).toContainText('Add the verification methods your organization asks for first.');

  await registerQuestions(page);
  await page.screenshot({ path: 'test-results/registration-done.png', fullPage: true });
  await axeClean(page, 'security-info-registering');
  await page.getByRole('button', { name: 'Done' }).click();
  await expect(page).toHaveURL(/\/account$/);

  // Registered: the next sign-in goes straight on.
  await signInAgain(page, email);
  await expect(page).toHaveURL(/\/account$/);
  await expect(heading).toHaveText('Your account');
});

test('after an administrator requires re-registration, the next sign-in cannot skip it until a method is registered again', async ({ page, baseURL }) => {
  const email = uniqueEmail('reregisters');
  await signUp(page, email, PASSWORD, true);
  const heading = page.getByRole('heading', { level: 1 });
  await page.getByRole('button', { name: 'Skip for now' }).click();
  await expect(page).toHaveURL(/\/account$/);
  const admin = await asAdmin(baseURL!);
  const found = await admin.get(`/api/admin/users?search=${encodeURIComponent(email)}`);
  const id = ((await found.json()).items as { id: string; email: string }[]).find((u) => u.email === email)!.id;
  const flagged = await admin.post(`/api/admin/users/${id}/require-reregistration`, { data: {} });
  expect(flagged.status(), await flagged.text()).toBe(204);
  await admin.dispose();

  await signInAgain(page, email);
  await expect(heading).toHaveText('More information required');
  await expect(page.getByText('Your administrator asks you to register your verification methods again.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Skip for now' })).toHaveCount(0);
  await axeClean(page, 'more-info-reregister');
  await page.getByRole('button', { name: 'Next' }).click();
  await registerQuestions(page);
  await page.getByRole('button', { name: 'Done' }).click();
  await expect(page).toHaveURL(/\/account$/);
});
