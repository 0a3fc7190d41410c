/**
 * `compute` remembered for the argument it was last called with. The simulator derives tables from
 * the scenario (or a section of it) once per participant; the scenario is the same for a whole shard,
 * so remembering the last one answers from the second call on with a single comparison, where a
 * WeakMap would hash the object each time.
 */
export function memoizeLast<Argument extends object, Result>(compute: (argument: Argument) => Result): (argument: Argument) => Result {
  let lastArgument: Argument | undefined;
  let lastResult: Result | undefined;
  return (argument) => {
    if (argument !== lastArgument) {
      lastResult = compute(argument);
      lastArgument = argument;
    }
    return lastResult!;
  };
}
