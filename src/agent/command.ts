/**
 * The player command is split into argv here and run without a shell, so a file path can never be read as shell
 * syntax. Quoting follows the familiar POSIX shell rules for the parts people use: '…', "…" and backslash.
 */
export function splitCommand(template: string): string[] {
  const args: string[] = [];
  let current = '';
  let inArg = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
      else current += c;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && (template[i + 1] === '"' || template[i + 1] === '\\')) current += template[++i];
      else current += c;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      inArg = true;
    } else if (c === '\\' && i + 1 < template.length) {
      current += template[++i];
      inArg = true;
    } else if (/\s/.test(c)) {
      if (inArg) args.push(current);
      current = '';
      inArg = false;
    } else {
      current += c;
      inArg = true;
    }
  }
  if (quote) throw new Error(`unclosed ${quote} in player command`);
  if (inArg) args.push(current);
  if (args.length === 0) throw new Error('empty player command');
  return args;
}

/** The argv to run for one file: every `{file}` is replaced inside its own argument, spaces and all. */
export function playerArgv(template: string, file: string): [string, ...string[]] {
  const argv = splitCommand(template).map((a) => a.split('{file}').join(file));
  return argv as [string, ...string[]];
}
