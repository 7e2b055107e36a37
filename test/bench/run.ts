import 'reflect-metadata';
import { aclBenchmark } from './acl.bench';
import { agentBenchmark } from './agent.bench';
import { ingestBenchmark } from './ingest.bench';

// Benchmarks run the real app, quietly, with test settings (a known admin, no real X).
process.env.NODE_ENV = 'test';
process.env.LOG_LEVEL = 'silent';
process.env.ADMIN_PASSWORD ??= 'bench-admin-password';
process.env.SESSION_SECRET ??= 'bench-session-secret-bench-session-secret';

const BENCHMARKS: Record<string, (args: string[]) => Promise<void>> = {
  ingest: (args) => ingestBenchmark({ events: numberArg(args, '--events', 6_000), rate: numberArg(args, '--rate', 500) }),
  acl: (args) => aclBenchmark(args.includes('--only') ? args.slice(args.indexOf('--only') + 1) : undefined),
  agent: (args) => agentBenchmark({ tickets: numberArg(args, '--tickets', 100_000), articles: numberArg(args, '--articles', 300_000), requests: numberArg(args, '--requests', 200) }),
};

function numberArg(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  const value = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
}

const [name, ...args] = process.argv.slice(2);
const benchmark = BENCHMARKS[name ?? ''];
if (!benchmark) {
  console.error(
    `usage: npm run bench -- <${Object.keys(BENCHMARKS).join('|')}> [--events N] [--rate N] (ingest) [--only filter store zoom] (acl) [--tickets N] [--articles N] [--requests N] (agent)`,
  );
  process.exit(2);
}
benchmark(args).then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
