// Runs the checks one at a time or `jobs` at once; tests from sequential/ always run alone, after the rest.

/** Each slot gets its own common.PORT, so parallel tests that use it do not collide. */
function slotEnv(slot) {
  return { NODE_COMMON_PORT: String(12346 + 100 * slot) };
}

export async function runAll(tests, jobs, check, onResult) {
  const results = [];
  const pool = async (queue, width) => {
    const slot = async (index) => {
      for (let test = queue.shift(); test !== undefined; test = queue.shift()) {
        const result = await check(test, slotEnv(index));
        results.push(result);
        onResult(result);
      }
    };
    await Promise.all(Array.from({ length: width }, (_, index) => slot(index)));
  };
  if (jobs === 1) {
    await pool([...tests], 1);
  } else {
    await pool(
      tests.filter((test) => test.dir !== 'sequential'),
      jobs,
    );
    await pool(
      tests.filter((test) => test.dir === 'sequential'),
      1,
    );
  }
  return results;
}
