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
