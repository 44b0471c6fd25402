/**
 * The examples as documented: every `examples/*.ts` runs to completion (and ends by itself)
 * with the command the READMEs give, and every command line in a README's `sh` block names
 * something that exists — an example file, a root script, a demo command and its flags. The
 * READMEs' TypeScript blocks run against an npm install of the packed packages, as a user
 * copies them (test/packaging/consumer.test.ts).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repositoryRoot } from '../scripts/consumer.js';
import { runProcess } from '../scripts/process.js';
import { allCodeBlocks, programLanguages } from './readme-blocks.js';

const exampleTimeLimit = 300_000;
const exampleCommand = ['node', '--conditions=@smoe/source', '--import', 'tsx'];

function exampleFiles(): string[] {
  const files: string[] = [];
  for (const group of ['packages', 'apps']) {
    for (const entry of readdirSync(join(repositoryRoot, group)).sort()) {
      const folder = join(repositoryRoot, group, entry, 'examples');
      if (!existsSync(folder)) continue;
      for (const file of readdirSync(folder).sort()) if (file.endsWith('.ts')) files.push(relative(repositoryRoot, join(folder, file)));
    }
  }
  return files;
}

/** Command lines of the READMEs' sh blocks (comments and blank lines dropped, `&&` chains split). */
function documentedCommands(): { where: string; words: string[] }[] {
  return allCodeBlocks()
    .filter((block) => block.language === 'sh' || block.language === 'bash')
    .flatMap((block) =>
      block.code
        .split('\n')
        .map((line) => line.replace(/\s#.*$/, '').trim())
        .filter((line) => line && !line.startsWith('#'))
        .flatMap((line) => line.split('&&').map((part) => part.trim()))
        .map((command) => ({ where: `${block.file}:${block.line}`, words: command.split(/\s+/).filter((word) => !/^[A-Z_]+=/.test(word)) })),
    );
}

describe('examples', () => {
  for (const file of exampleFiles()) {
    it(`${file} runs and ends by itself`, async () => {
      const run = await runProcess(exampleCommand[0], [...exampleCommand.slice(1), file], {
        cwd: repositoryRoot,
        timeout: exampleTimeLimit,
        env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp' },
      });
      expect(run.timedOut, `still running after ${exampleTimeLimit / 1000} s\n${run.stdout}`).toBe(false);
      expect(run.status, run.stderr).toBe(0);
    }, exampleTimeLimit + 30_000);
  }

  it('the READMEs document every example with the command this test runs', () => {
    const documented = documentedCommands()
      .filter(({ words }) => words[0] === 'node')
      .map(({ where, words }) => {
        expect(words.slice(0, -1), where).toEqual(exampleCommand);
        expect(existsSync(join(repositoryRoot, words[words.length - 1])), `${where}: ${words.at(-1)}`).toBe(true);
        return words[words.length - 1];
      });
    expect(documented.sort()).toEqual(exampleFiles().sort());
  });
});

describe('README blocks', () => {
  it('every block is a program, a command line, or untagged text (equations, diagrams)', () => {
    for (const block of allCodeBlocks()) {
      expect([...programLanguages, 'sh', 'bash', ''], `${block.file}:${block.line}`).toContain(block.language);
    }
  });

  it('every pnpm command names a root script, vitest, or a demo command with flags it accepts', async () => {
    const scripts = Object.keys((JSON.parse(readFileSync(join(repositoryRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);
    const demoHelp = new Map<string, string>();
    for (const { where, words } of documentedCommands()) {
      if (words[0] === 'bash') {
        expect(existsSync(join(repositoryRoot, words[1])), where).toBe(true);
        continue;
      }
      if (words[0] !== 'pnpm') continue;
      const script = words[1];
      expect([...scripts, 'vitest'], where).toContain(script);
      if (script !== 'demo') continue;
      const command = words[2] && !words[2].startsWith('--') ? words[2] : 'pretrain';
      if (!demoHelp.has(command)) {
        const help = await runProcess('pnpm', ['--silent', 'demo', command, '--help'], { cwd: repositoryRoot, timeout: 120_000 });
        expect(help.status, `${where}: pnpm demo ${command} --help\n${help.stderr}`).toBe(0);
        demoHelp.set(command, help.stdout);
      }
      for (const flag of words.filter((word) => word.startsWith('--'))) {
        expect(demoHelp.get(command), `${where}: ${flag}`).toContain(`  ${flag.split('=')[0]} `);
      }
    }
  }, 600_000);
});
