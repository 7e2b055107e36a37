/**
 * Waits until `condition` holds — a state the test can observe, such as a row count — checking it
 * again after each short pause. It fails after `limitMs` with `what`, so a condition that never comes
 * fails the test by name instead of hanging it. Not a way to wait for time to pass: move the app's
 * clock for that (test/utils/test-clock.ts).
 */
export async function waitFor(what: string, condition: () => Promise<boolean>, limitMs = 10_000): Promise<void> {
  const giveUpAt = Date.now() + limitMs;
  while (!(await condition())) {
    if (Date.now() > giveUpAt) throw new Error(`gave up after ${limitMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
