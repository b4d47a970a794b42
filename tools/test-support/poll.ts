// Waits for a condition only another process's state can answer (a server's status on HAProxy's stats socket, a
// count in Redis): checks it again every few milliseconds until it holds or the deadline passes. The pause only
// paces the checks; the condition is what the caller waits for.
export async function pollUntil<T>(
  check: () => Promise<T | undefined> | T | undefined,
  options: { timeoutMs: number; what: string; paceMs?: number; describe?: () => string | Promise<string> },
): Promise<T> {
  const deadline = performance.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (performance.now() > deadline) {
      const detail = options.describe ? `\n${await options.describe()}` : '';
      const cause =
        lastError === undefined ? '' : ` (last error: ${(lastError as Error).message ?? lastError})`;
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.what}${cause}${detail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.paceMs ?? 20));
  }
}
