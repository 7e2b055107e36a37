import fc from 'fast-check';
import { InboxModelHarness, modelScenarios } from '../support/inbox-model';

const RUNS = Number(process.env.INBOX_MODEL_RUNS ?? 200);

/**
 * Issue 8's model-based test (test/support/inbox-model.ts): a few hundred random sequences of
 * incoming DMs, mentions and replies — duplicated, shuffled, parents never delivered — with agents
 * closing and reopening tickets, follow-up options changing and workers killed mid-batch, on this
 * database with the fake X. A failing run prints its shrunk scenario. The longer run is
 * `npm run bench -- model`.
 */
describe('the inbox, model-based', () => {
  const harness = new InboxModelHarness();
  beforeAll(() => harness.start());
  afterAll(() => harness.stop());

  it('keeps every message exactly once, in its conversation’s ticket, whatever the order', async () => {
    await fc.assert(
      fc.asyncProperty(modelScenarios(), (scenario) => harness.run(scenario)),
      { numRuns: RUNS, seed: 20260508, endOnFailure: false },
    );
  }, 180_000);
});
