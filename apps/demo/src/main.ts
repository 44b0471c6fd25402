/**
 * The demo's commands and how a failure becomes an exit code and a message: `runCommand(argv)`
 * runs one command line in this process (cli.ts adds the process around it; the bad-input
 * tests call it directly).
 */
import { UsageError } from './args.js';

const commands: Record<string, { summary: string; run: (argv: readonly string[]) => Promise<void> }> = {
  pretrain: { summary: 'pre-train a MoE language model or ViT (the default command)', run: async (a) => (await import('./commands/pretrain.js')).pretrain(a) },
  finetune: { summary: 'fine-tune a checkpoint: SpamAssassin (text) or a second vision task', run: async (a) => (await import('./commands/finetune.js')).finetune(a) },
  eval: { summary: 'evaluate a checkpoint, clean and under --corrupt kind:severity', run: async (a) => (await import('./commands/evaluate.js')).evaluate(a) },
  compare: { summary: 'the router study: routers × corpora × seeds, robustness, fine-tuning (resumable, --jobs)', run: async (a) => (await import('./commands/compare.js')).compare(a) },
  report: { summary: 'write an HTML report of a run folder, or a compare study\'s tables', run: async (a) => (await import('./commands/report.js')).report(a) },
  export: { summary: 'write a run\'s model as a Transformers checkpoint folder (--hf OUT)', run: async (a) => (await import('./commands/export.js')).exportCommand(a) },
};

function usage(): string {
  return `Usage: pnpm demo <command> [options]\n\nCommands:\n${Object.entries(commands).map(([n, c]) => `  ${n.padEnd(10)} ${c.summary}`).join('\n')}\n\n'pnpm demo <command> --help' lists a command's options. With no command: pretrain on the embedded default.\n`;
}

/** Runs one command line (`pretrain --steps 10`); resolves with exit code 0, or throws. */
export async function runCommand(argv: readonly string[]): Promise<number> {
  if (process.env.SMOE_BACKEND === '') delete process.env.SMOE_BACKEND; // set but empty: as if unset
  const [first, ...rest] = argv;
  if (first === '--help' || first === '-h' || first === 'help') {
    process.stdout.write(usage());
    return 0;
  }
  const name = first === undefined || first.startsWith('--') ? 'pretrain' : first;
  const command = commands[name];
  if (!command) throw new UsageError(`unknown command '${name}'.\n\n${usage()}`);
  await command.run(first === undefined || first.startsWith('--') ? argv : rest);
  return 0;
}

/** The exit code and message for an error: 2 for a usage error (a bad flag, file or setting), 1 for anything else. */
export function failure(error: unknown): { code: number; message: string } {
  const message = error instanceof Error ? error.message : String(error);
  return { code: error instanceof UsageError ? 2 : 1, message };
}
