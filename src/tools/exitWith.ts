/**
 * How a check-style tool ends: its exit code is what CI reads, so a thrown
 * error (a file that cannot be read) becomes exit 1 with its message, never
 * an unhandled rejection's stack trace.
 */
export function exitWith(run: Promise<number>): void {
  run.then(
    (code) => {
      process.exitCode = code;
    },
    (error: Error) => {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 1;
    },
  );
}
