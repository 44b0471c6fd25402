#!/usr/bin/env node
/**
 * smoe demo: `pnpm demo <command> [options]`.
 *   pretrain   train a MoE LM (text) or ViT (images) — with no command or flags, the embedded default
 *   finetune   fine-tune a pre-trained model (SpamAssassin, or a second vision task)
 *   eval       clean and corrupted metrics of a checkpoint
 *   compare    several routers on the same data, seed and budget, as a markdown table
 *   report     an HTML report of a run folder (loss curves, expert load, routing map)
 *   embed      MoEE embeddings of a pre-trained LM scored without training
 *   routers    the router strategies and layer kinds with paper, family, causality, defaults
 */
import { UsageError } from './args.js';

const commands: Record<string, { summary: string; run: (argv: readonly string[]) => Promise<void> }> = {
  pretrain: { summary: 'pre-train a MoE language model or ViT (the default command)', run: async (a) => (await import('./commands/pretrain.js')).pretrain(a) },
  finetune: { summary: 'fine-tune a checkpoint: SpamAssassin (text) or a second vision task', run: async (a) => (await import('./commands/finetune.js')).finetune(a) },
  eval: { summary: 'evaluate a checkpoint, clean and under --corrupt kind:severity', run: async (a) => (await import('./commands/evaluate.js')).evaluate(a) },
  compare: { summary: 'compare routers on the same data, seed and budget (markdown table)', run: async (a) => (await import('./commands/compare.js')).compare(a) },
  report: { summary: 'write an HTML report of a run folder', run: async (a) => (await import('./commands/report.js')).report(a) },
  routers: { summary: 'list the router strategies and layer kinds (--markdown: the README table)', run: async (a) => (await import('./commands/routers.js')).routers(a) },
  embed: { summary: 'score MoEE embeddings of a pre-trained LM without training (nearest neighbour, linear probe)', run: async (a) => (await import('./commands/embed.js')).embedCommand(a) },
};

function usage(): string {
  return `Usage: pnpm demo <command> [options]\n\nCommands:\n${Object.entries(commands).map(([n, c]) => `  ${n.padEnd(10)} ${c.summary}`).join('\n')}\n\n'pnpm demo <command> --help' lists a command's options. With no command: pretrain on the embedded default.\n`;
}

async function main(argv: string[]): Promise<number> {
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

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\n`);
      process.exit(2);
    }
    const e = error as Error;
    process.stderr.write(`error: ${e?.message ?? String(error)}\n`);
    if (process.env.SMOE_DEBUG) process.stderr.write(`${e?.stack ?? ''}\n`);
    process.exit(1);
  },
);
