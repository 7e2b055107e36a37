import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { answerEvaluateInput, evaluateInputNeedsDeployedSet } from './acl/engine';
import { CLI_USAGE, CliUsageError, parseCliArgs } from './cli/parse-cli-args';

async function main(argv: string[]): Promise<number> {
  let command;
  try {
    command = parseCliArgs(argv);
  } catch (err) {
    if (!(err instanceof CliUsageError)) throw err;
    console.error(`error: ${err.message}\n${CLI_USAGE}`);
    return 2;
  }
  if (command.kind === 'help') {
    console.log(CLI_USAGE);
    return 0;
  }
  const stdin = command.kind === 'acl-evaluate' ? await readStdin() : '';
  if (command.kind === 'acl-evaluate' && !evaluateInputNeedsDeployedSet(stdin)) {
    // Requests that bring their own ACLs need no database: answer without starting the app.
    const { output, exitCode } = answerEvaluateInput(stdin);
    process.stdout.write(output);
    return exitCode;
  }
  // Loaded only now, so the database-free path above stays quick.
  const [{ AppModule }, { runCliCommand }] = await Promise.all([import('./app.module'), import('./cli/run-cli-command')]);
  // The same modules as the web app (and the same migrations), without the HTTP server.
  const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error'] });
  try {
    return await runCliCommand(app, command, { out: (l) => console.log(l), err: (l) => console.error(l), stdin: () => Promise.resolve(stdin) });
  } finally {
    await app.close();
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
