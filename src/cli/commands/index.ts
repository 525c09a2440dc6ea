// The CLI's command registry: one module per command, each exporting a Command.
import type { Io } from '../io';
import { simulateCommand } from './simulate';
import { checkCommand } from './check';
import { analyzeCommand } from './analyze';
import { importCommand } from './import';
import { compareCommand } from './compare';
import { reportCommand } from './report';
import { rulesCommand } from './rules';
import { diffCommand } from './diff';

export interface Command {
  name: string;
  summary: string;
  help: string;
  run(argv: readonly string[], io: Io): Promise<number>;
}

export const commands: Command[] = [simulateCommand, checkCommand, analyzeCommand, diffCommand, importCommand, compareCommand, reportCommand, rulesCommand];
