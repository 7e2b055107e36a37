import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { CLI_USAGE, CliUsageError, parseCliArgs } from './cli/parse-cli-args';
import { runCliCommand } from './cli/run-cli-command';

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
  // The same modules as the web app (and the same migrations), without the HTTP server.
  const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error'] });
  try {
    return await runCliCommand(app, command, { out: (l) => console.log(l), err: (l) => console.error(l) });
  } finally {
    await app.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
