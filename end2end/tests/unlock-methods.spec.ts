// Unlocking an account through the method step (SPEC C6, C9): with the reset policy requiring
// two methods (the email address and security questions), a customer locked out by wrong
// passwords unlocks from the sign-in page: the code mailed to them, then "Verify another
// method" at /unlock/methods with their security questions (a misspelt answer refused without
// saying which), then "Unlock and keep my password", and signs in with the password they had.
// Unlocking before the second method sends them back to the method step.
// The policy is put back afterwards, since every spec shares the server.
import { test, expect } from '@playwright/test';
import { countFor, uniqueEmail } from './fixtures/mailbox';
import {
  answerQuestions,
  axeClean,
  codeAfter,
  lockOut,
  openSecurityInfo,
  registerQuestions,
  requireMethods,
} from './fixtures/methods';
import { FlowPages, PASSWORD, signUp } from './fixtures/pages';
import { asAdmin } from './fixtures/user_flows';

test('a locked-out customer proves a second method at the unlock and keeps the password', async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  const admin = await asAdmin(baseURL!);
  const restore = await requireMethods(admin, 2, ['email', 'security_questions']);
  try {
    const email = uniqueEmail('unlock-two-methods');
    await signUp(page, email);
    await openSecurityInfo(page);
    const answers = await registerQuestions(page);
    const signIn = await lockOut(page, email);
    await signIn.enterPassword(PASSWORD);
    await expect(page.getByRole('alert')).toHaveText(/email address or password is not right/);

    // The unlock wizard (the sign-in page's "Can't access your account?" leads to the same
    // steps; it is entered directly here, so the entry point's tries stay with access.spec.ts).
    const flow = new FlowPages(page);
    const seen = countFor(email);
    await page.goto('/unlock');
    await flow.submitEmail(email);
    await expect(page).toHaveURL(/\/unlock\/code\?flow=/);
    await flow.submitCode(await codeAfter(email, seen));
    await expect(flow.heading()).toHaveText('Verify another method');
    await expect(page).toHaveURL(/\/unlock\/methods\?flow=/);
    await expect(page.getByText('Unlocking your account also needs another of your verification methods.')).toBeVisible();
    await expect(page.getByRole('radio')).toHaveCount(1);
    await expect(page.getByRole('radio', { name: 'Security questions' })).toBeChecked();
    await axeClean(page, 'unlock-methods');
    await page.screenshot({ path: 'test-results/unlock-methods.png', fullPage: true });

    // Opened early, the last step is refused by the server and sends the visitor back.
    const methodsUrl = page.url();
    await page.goto(methodsUrl.replace('/unlock/methods', '/unlock/choose'));
    await expect(flow.heading()).toHaveText('Your identity is confirmed');
    await page.getByRole('button', { name: 'Unlock and keep my password' }).click();
    await expect(flow.heading()).toHaveText('Verify another method');
    await expect(page).toHaveURL(/\/unlock\/methods\?flow=/);

    await answerQuestions(page, answers, 1);
    await page.getByRole('button', { name: 'Verify' }).click();
    await expect(flow.alert()).toHaveText(/not right/);
    await answerQuestions(page, answers, null);
    await page.getByRole('button', { name: 'Verify' }).click();

    await expect(flow.heading()).toHaveText('Your identity is confirmed');
    await expect(page).toHaveURL(/\/unlock\/choose\?flow=/);
    await axeClean(page, 'unlock-confirmed');
    await page.getByRole('button', { name: 'Unlock and keep my password' }).click();
    await expect(page).toHaveURL(/\/sign-in$/);
    await expect(page.getByRole('status').filter({ hasText: 'Your account is unlocked' })).toBeVisible();
    await signIn.enterEmail(email);
    await signIn.enterPassword(PASSWORD);
    await expect(page).toHaveURL(/\/account$/);
  } finally {
    await restore();
    await admin.dispose();
  }
});
