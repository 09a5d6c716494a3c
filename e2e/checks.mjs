// How the browser scripts report: each check prints one line
// `@@result {"name","ok","msg"}`, which the Go test turns into a subtest.

let failed = 0;

// failures is the number of checks that failed so far.
export const failures = () => failed;

export function report(name, ok, msg = '') {
  if (!ok) failed++;
  console.log('@@result ' + JSON.stringify({ name, ok: !!ok, msg }));
}

// check runs fn and reports its outcome: fn returns a list of problems (or
// a string); an exception is a failure too.
export async function check(name, fn) {
  try {
    let problems = await fn();
    if (typeof problems === 'string') problems = [problems];
    problems = (problems || []).filter(Boolean);
    report(name, problems.length === 0, problems.join('\n'));
  } catch (err) {
    report(name, false, `the check could not run: ${err && err.stack || err}`);
  }
}
