import { buildProgram, subcommandOf } from '../../../src/cli/program';

describe('buildProgram builds only the subcommand being run', () => {
  const all = buildProgram().commands.map((command) => command.name());

  it('builds every subcommand when none is named (help, a typo)', () => {
    expect(all).toEqual(expect.arrayContaining(['start', 'worker', 'serve', 'bridge', 'deliver', 'sinks']));
    expect(buildProgram('wrker').commands.map((command) => command.name())).toEqual(all);
  });

  it.each(all)('`onboarding %s` finds its command in the program built for it', (name) => {
    expect(buildProgram(name).commands.map((command) => command.name())).toContain(name);
  });

  it('builds `worker` alone', () => {
    expect(buildProgram('worker').commands.map((command) => command.name())).toEqual(['worker']);
  });

  it('reads the subcommand from argv, not an option', () => {
    expect(subcommandOf(['node', 'onboarding', 'worker'])).toBe('worker');
    expect(subcommandOf(['node', 'onboarding', '--version'])).toBeUndefined();
    expect(subcommandOf(['node', 'onboarding'])).toBeUndefined();
  });
});
