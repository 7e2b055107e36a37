import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, type JobName } from '../config/app-config';

interface RecurringJob {
  everyMs: number;
  run: () => unknown;
  /** Called once when the job is started (the inbox worker starts its thread then). */
  onStart?: () => void;
}

/**
 * The one place recurring work is timed. Features declare their jobs (`every`) when they are
 * built; nothing runs until `start()`, which only the server entrypoint calls. Tests and the CLI
 * never start it: they run a job by hand (`runNow`, or the feature's own method) with a test clock,
 * so no background timer races a test or writes to the database beside a CLI command.
 */
@Injectable()
export class Scheduler implements OnModuleDestroy {
  private readonly logger = new Logger(Scheduler.name);
  private readonly jobs = new Map<JobName, RecurringJob>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly inFlight = new Map<JobName, Promise<void>>();
  private stopped = false;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** Declares a recurring job; a second declaration under one name is a programming error. */
  every(name: JobName, everyMs: number, run: () => unknown, onStart?: () => void): void {
    if (this.jobs.has(name)) throw new Error(`job ${name} is declared twice`);
    this.jobs.set(name, { everyMs, run, onStart });
  }

  /** Whether the configuration lets this job run on this instance (its setting is not `off`). */
  isEnabled(name: JobName): boolean {
    return this.config.jobs[name];
  }

  /** Starts the timers of every declared job the configuration leaves on; returns their names. */
  start(): JobName[] {
    const started: JobName[] = [];
    for (const [name, job] of this.jobs) {
      if (!this.isEnabled(name)) continue;
      job.onStart?.();
      const timer = setInterval(() => void this.runNow(name), job.everyMs);
      timer.unref();
      this.timers.push(timer);
      started.push(name);
    }
    return started;
  }

  /**
   * Runs a job now. A run never overlaps the job's previous one (the call joins it instead), and a
   * failure is logged, never thrown: one bad run must not stop the timer.
   */
  runNow(name: JobName): Promise<void> {
    const job = this.jobs.get(name);
    if (!job) throw new Error(`no job named ${name}`);
    const running = this.inFlight.get(name);
    if (running) return running;
    if (this.stopped) return Promise.resolve();
    let settled = false;
    const run = (async () => {
      try {
        await job.run();
      } catch (err) {
        this.logger.error(`${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      } finally {
        settled = true;
        this.inFlight.delete(name);
      }
    })();
    // A job that fails before its first await has settled already: it must not stay "in flight".
    if (!settled) this.inFlight.set(name, run);
    return run;
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    await Promise.all(this.inFlight.values());
  }
}
