/** A whole ffmpeg invocation as data: built by pure functions, run by the one runner. */
export interface FfmpegSpec {
  inputs: { path: string; options: string[] }[];
  complexFilter?: string;
  outputs: { path: string; options: string[] }[];
}

/** The argv ffmpeg receives (for logs, and for running the same command by hand in benchmarks). */
export function toArgv(spec: FfmpegSpec): string[] {
  const argv = ['-y'];
  for (const i of spec.inputs) argv.push(...i.options, '-i', i.path);
  argv.push('-hide_banner', '-nostdin', '-nostats');
  if (spec.complexFilter) argv.push('-filter_complex', spec.complexFilter);
  for (const o of spec.outputs) argv.push(...o.options, o.path);
  return argv;
}
