import { Command } from 'commander';
import { registerCredentialsCommand } from './commands/credentials';
import { registerCustomerCommand } from './commands/customer';
import { registerDlqCommand } from './commands/dlq';
import { registerEnqueueCommand } from './commands/enqueue';
import { registerEraseCommand } from './commands/erase';
import { registerResumeCommand } from './commands/resume';
import { registerSandboxCommand } from './commands/sandbox';
import { registerServeCommand } from './commands/serve';
import { registerStartCommand } from './commands/start';
import { registerStatsCommand } from './commands/stats';
import { registerValidateCommand } from './commands/validate';
import { registerWorkerCommand } from './commands/worker';

/** Builds the `onboarding` command with every subcommand; one subcommand per role. */
export function buildProgram(): Command {
  const program = new Command('onboarding')
    .description('Onboard business customers into Ropo One from a BullMQ queue')
    .showHelpAfterError();
  registerStartCommand(program);
  registerWorkerCommand(program);
  registerServeCommand(program);
  registerSandboxCommand(program);
  registerValidateCommand(program);
  registerEnqueueCommand(program);
  registerStatsCommand(program);
  registerDlqCommand(program);
  registerResumeCommand(program);
  registerEraseCommand(program);
  registerCustomerCommand(program);
  registerCredentialsCommand(program);
  return program;
}
