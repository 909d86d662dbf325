import { Command } from 'commander';

type Register = (program: Command) => void;

// Each subcommand's module is required only when that subcommand is built: the modules behind
// `serve` (express, bull-board) or `bridge` (amqplib, NATS) would otherwise cost every worker start
// their load time and tens of MB of RSS for code it never runs.
// The order is the order `onboarding --help` lists them in.
// The third element names every command a module registers when that is more than its own name.
const COMMANDS: ReadonlyArray<readonly [module: string, register: string, names?: readonly string[]]> = [
  ['start', 'registerStartCommand'],
  ['worker', 'registerWorkerCommand'],
  ['serve', 'registerServeCommand'],
  ['bridge', 'registerBridgeCommand'],
  ['sandbox', 'registerSandboxCommand'],
  ['validate', 'registerValidateCommand'],
  ['enqueue', 'registerEnqueueCommand'],
  ['stats', 'registerStatsCommand'],
  ['dlq', 'registerDlqCommand'],
  ['resume', 'registerResumeCommand'],
  ['erase', 'registerEraseCommand'],
  ['customer', 'registerCustomerCommand'],
  ['credentials', 'registerCredentialsCommand'],
  ['deliver', 'registerDeliverCommand', ['deliver', 'sinks']],
];

function load(name: string, register: string): Register {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- synchronous, so buildProgram stays so
  const loaded = (require(`./commands/${name}`) as Record<string, Register | undefined>)[register];
  if (!loaded) throw new Error(`./commands/${name} exports no ${register}`);
  return loaded;
}

/**
 * Builds the `onboarding` command; one subcommand per role. Given the name of the subcommand about to
 * run (see {@link subcommandOf}), only that one is built; without it (help, a typo, tests) all are.
 */
export function buildProgram(only?: string): Command {
  const program = new Command('onboarding')
    .description('Onboard business customers into Ropo One from a BullMQ queue')
    .showHelpAfterError();
  const chosen = COMMANDS.filter(
    ([module, , names]) => only !== undefined && (names ?? [module]).includes(only),
  );
  for (const [module, register] of chosen.length > 0 ? chosen : COMMANDS) load(module, register)(program);
  return program;
}

/** The subcommand `argv` (node, script, ...args) names, or undefined when the first argument is an option or none. */
export function subcommandOf(argv: readonly string[]): string | undefined {
  const first = argv[2];
  return first === undefined || first.startsWith('-') ? undefined : first;
}
