/** `--runs N` of a benchmark's command line, or its default. */
export function runsOption(defaultRuns: number): number {
  const at = process.argv.indexOf('--runs');
  return at > 0 ? Number(process.argv[at + 1]) : defaultRuns;
}
