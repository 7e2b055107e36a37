import { loadAppConfig } from '../config/app-config';
import { Scheduler } from './scheduler';

function schedulerWith(env: Record<string, string> = {}): Scheduler {
  return new Scheduler(loadAppConfig({ NODE_ENV: 'test', ...env }));
}

describe('Scheduler', () => {
  afterEach(() => jest.useRealTimers());

  it('runs nothing until started', () => {
    jest.useFakeTimers();
    const scheduler = schedulerWith();
    const run = jest.fn();
    scheduler.every('poller', 1_000, run);
    jest.advanceTimersByTime(10_000);
    expect(run).not.toHaveBeenCalled();
  });

  it('runs a started job on its interval, and not a job whose setting is off', async () => {
    jest.useFakeTimers();
    const scheduler = schedulerWith({ POLLER: 'off' });
    const delivery = jest.fn();
    const poller = jest.fn();
    scheduler.every('delivery', 1_000, delivery);
    scheduler.every('poller', 1_000, poller);
    expect(scheduler.start()).toEqual(['delivery']);
    await jest.advanceTimersByTimeAsync(3_000);
    expect(delivery).toHaveBeenCalledTimes(3);
    expect(poller).not.toHaveBeenCalled();
    await scheduler.onModuleDestroy();
    await jest.advanceTimersByTimeAsync(3_000);
    expect(delivery).toHaveBeenCalledTimes(3);
  });

  it('tells a job once when it is started, and not a job whose setting is off', () => {
    const scheduler = schedulerWith({ POLLER: 'off' });
    const inboxStarted = jest.fn();
    const pollerStarted = jest.fn();
    scheduler.every('inbox-worker', 1_000, () => undefined, inboxStarted);
    scheduler.every('poller', 1_000, () => undefined, pollerStarted);
    scheduler.start();
    expect(inboxStarted).toHaveBeenCalledTimes(1);
    expect(pollerStarted).not.toHaveBeenCalled();
    void scheduler.onModuleDestroy();
  });

  it('never overlaps a run with the previous one of the same job', async () => {
    const scheduler = schedulerWith();
    let release!: () => void;
    let runs = 0;
    scheduler.every('delivery', 1_000, () => {
      runs++;
      return new Promise<void>((resolve) => (release = resolve));
    });
    const first = scheduler.runNow('delivery');
    const second = scheduler.runNow('delivery');
    expect(runs).toBe(1);
    release();
    await Promise.all([first, second]);
    const third = scheduler.runNow('delivery');
    expect(runs).toBe(2);
    release();
    await third;
  });

  it('logs a failing run instead of throwing, and runs the job again next time', async () => {
    const scheduler = schedulerWith();
    let calls = 0;
    scheduler.every('poller', 1_000, () => {
      calls++;
      throw new Error('X is down');
    });
    jest.spyOn((scheduler as unknown as { logger: { error: () => void } }).logger, 'error').mockImplementation(() => undefined);
    await expect(scheduler.runNow('poller')).resolves.toBeUndefined();
    await expect(scheduler.runNow('poller')).resolves.toBeUndefined();
    expect(calls).toBe(2);
  });

  it('refuses a job declared twice', () => {
    const scheduler = schedulerWith();
    scheduler.every('poller', 1_000, () => undefined);
    expect(() => scheduler.every('poller', 1_000, () => undefined)).toThrow('declared twice');
  });
});
