// Exact byte counts for notes: the largest binary unit in which the value is whole ("2050 MiB",
// "2016 KiB"), so that figures in explanations are never rounded.
const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];

export function bytesExact(n: number): string {
  if (n === 0) return '0 B';
  let u = 0;
  let v = Math.abs(n);
  while (u < UNITS.length - 1 && v % 1024 === 0) {
    v /= 1024;
    u++;
  }
  return `${n < 0 ? '-' : ''}${v} ${UNITS[u]}`;
}

/**
 * bytesExact() with a rounded reading when the exact figure is long (five digits or more in its unit):
 * "25165696 B (about 24 MiB)", "4128760 KiB (about 3.94 GiB)"; short ones as bytesExact() ("2 GiB", "2050 MiB").
 */
export function bytesReadable(n: number): string {
  const exact = bytesExact(n);
  const a = Math.abs(n);
  let u = 0;
  let v = a;
  while (u < UNITS.length - 1 && v % 1024 === 0) {
    v /= 1024;
    u++;
  }
  if (v < 10000) return exact;
  let top = 0;
  while (top < UNITS.length - 1 && a >= 1024 ** (top + 1)) top++;
  return `${exact} (about ${n < 0 ? '-' : ''}${Number((a / 1024 ** top).toPrecision(3))} ${UNITS[top]})`;
}
