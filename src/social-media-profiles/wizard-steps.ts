/** The six steps of the Twitter profile wizard and when each counts as done. */
export const WIZARD_STEPS = [1, 2, 3, 4, 5, 6] as const;
export type WizardStep = (typeof WIZARD_STEPS)[number];

/** What the rules need to know of a profile; secrets only as "is one stored". */
export interface WizardFacts {
  instructionsRead: boolean;
  appName: string;
  consumerKey: string;
  hasConsumerSecret: boolean;
  accessToken: string;
  hasAccessTokenSecret: boolean;
  verifiedAt: string | null;
  targetQueueId: number | null;
}

const DONE: Record<WizardStep, (f: WizardFacts) => boolean> = {
  1: (f) => f.instructionsRead,
  2: (f) => f.appName !== '',
  3: (f) => f.consumerKey !== '' && f.hasConsumerSecret,
  4: (f) => f.accessToken !== '' && f.hasAccessTokenSecret,
  5: (f) => f.verifiedAt !== null,
  6: (f) => f.targetQueueId !== null,
};

export function isStepDone(step: WizardStep, facts: WizardFacts): boolean {
  return DONE[step](facts);
}

/** The first step still to do, or undefined when the profile is fully set up. */
export function firstMissingStep(facts: WizardFacts): WizardStep | undefined {
  return WIZARD_STEPS.find((step) => !DONE[step](facts));
}

export function isSetupComplete(facts: WizardFacts): boolean {
  return firstMissingStep(facts) === undefined;
}

export function parseStep(value: unknown): WizardStep | undefined {
  const n = Number(value);
  return (WIZARD_STEPS as readonly number[]).includes(n) ? (n as WizardStep) : undefined;
}
