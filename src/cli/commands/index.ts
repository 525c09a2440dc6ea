// The CLI's command registry: one module per command, each exporting a Command.
import type { Io } from '../io';
import { simulateCommand } from './simulate';
import { checkCommand } from './check';
import { analyzeCommand } from './analyze';
import { importCommand } from './import';
import { compareCommand } from './compare';
import { reportCommand } from './report';
import { rulesCommand } from './rules';

export interface Command {
  name: string;
  summary: string;
  help: string;
  run(argv: readonly string[], io: Io): Promise<number>;
}

export const commands: Command[] = [simulateCommand, checkCommand, analyzeCommand, importCommand, compareCommand, reportCommand, rulesCommand];
