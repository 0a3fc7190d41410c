/** 'fresh', 'stale' (built before a source last changed) or 'absent'. */
export function compiledState(): 'fresh' | 'stale' | 'absent';
