// Writing the files the CLI produces (check -o and --fix, simulate --trace, report -o, import -o,
// compare --calibrate): atomically, through a temporary file in the same folder and a rename (or a link,
// which never replaces an existing file), so a failure never leaves half a file behind. A failure is a
// message naming the path as the user wrote it and why ("is a directory", "no such directory out",
// "permission denied"), never the temporary file, and never an exception: the commands exit 2 with it.
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fchmodSync, fsyncSync, linkSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, normalize } from 'node:path';

export type WriteResult = { ok: true } | { ok: false; message: string };

export interface WriteOptions {
  /** Replace a file that exists (default true). False: fail with "FILE exists: use --force to replace it". */
  replace?: boolean;
  /** The path as the user wrote it, for messages (default: `path`). */
  shown?: string;
  /** The command's input files (as given): the output is refused when it is one of them (the same file, also
   *  through another name or a link), even with replace, so that `report a.yaml -o a.yaml` cannot eat its input. */
  inputs?: readonly string[];
}

/** The input `path` is (the same file: device and inode), or null. */
function inputAt(path: string, inputs: readonly string[]): string | null {
  let out;
  try {
    // bigint: Windows file ids are 64-bit, and as doubles two files could look the same.
    out = statSync(path, { bigint: true });
  } catch {
    return null; // a new file is no input
  }
  if (out.ino === 0n) return null; // a file system without inode numbers: no way to tell
  for (const i of inputs) {
    try {
      const st = statSync(i, { bigint: true });
      if (st.dev === out.dev && st.ino === out.ino) return i;
    } catch {
      // an input that is not a file (stdin, a URL): not this one
    }
  }
  return null;
}

/** The content: a string, or a function writing it in chunks (a big trace is never held in memory). */
export type Body = string | ((write: (chunk: string) => void) => void);

/** An error of the file system while writing (as opposed to a bug in the body, which is re-thrown). */
class WriteFailure extends Error {
  constructor(readonly error: NodeJS.ErrnoException) {
    super(error.message);
  }
}

function fs<T>(op: () => T): T {
  try {
    return op();
  } catch (e) {
    throw new WriteFailure(e as NodeJS.ErrnoException);
  }
}

/**
 * Write `body` to `path` atomically. An existing file keeps its permission bits. Returns why it could not
 * be written instead of throwing; an exception thrown by a body function itself (not by the file system)
 * is re-thrown after the temporary file is removed.
 */
export function writeOutput(path: string, body: Body, opts: WriteOptions = {}): WriteResult {
  const shown = opts.shown ?? path;
  const replace = opts.replace ?? true;
  const input = opts.inputs ? inputAt(path, opts.inputs) : null;
  if (input !== null) return { ok: false, message: `cannot write ${shown}: it is an input of this command (${input}); choose another output file` };
  let mode: number | null = null;
  try {
    const st = statSync(path);
    if (st.isDirectory()) return { ok: false, message: `cannot write ${shown}: is a directory` };
    if (!replace) return { ok: false, message: `${shown} exists: use --force to replace it` };
    if (st.isFile()) mode = st.mode & 0o777;
  } catch {
    // a new file (or one we cannot see: the write below says why)
  }
  // In the same folder (a rename never crosses file systems); the name cut so that a long but valid file
  // name does not make the temporary one too long.
  const tmp = join(dirname(path), `.${basename(path).slice(0, 100)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let fd: number | null = null;
  let created = false;
  try {
    fd = fs(() => openSync(tmp, 'wx', 0o666));
    created = true;
    const f = fd;
    if (mode !== null) {
      try {
        fchmodSync(f, mode);
      } catch {
        // a file system without modes (vfat, some network mounts): the write itself still counts
      }
    }
    const write = (chunk: string) => void fs(() => writeSync(f, chunk));
    if (typeof body === 'string') write(body);
    else body(write);
    fs(() => fsyncSync(f));
    fd = null;
    fs(() => closeSync(f));
    if (replace) fs(() => renameSync(tmp, path));
    else linkOrRename(tmp, path);
    created = false;
    if (!replace) unlinkQuietly(tmp);
    return { ok: true };
  } catch (e) {
    if (fd !== null) {
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
    }
    if (created) unlinkQuietly(tmp);
    if (!(e instanceof WriteFailure)) throw e;
    if (e.error.code === 'EEXIST' && !replace) return { ok: false, message: `${shown} exists: use --force to replace it` };
    return { ok: false, message: `cannot write ${shown}: ${writeErrorReason(e.error, path, shown)}` };
  }
}

/** The final step without replacing: a hard link fails if the name exists. File systems without hard
 *  links: check, then rename (not race-free, but never silently replaces). */
function linkOrRename(tmp: string, path: string): void {
  try {
    linkSync(tmp, path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw new WriteFailure(e as NodeJS.ErrnoException);
    if (existsSync(path)) throw new WriteFailure(Object.assign(new Error(`${path} exists`), { code: 'EEXIST' }));
    fs(() => renameSync(tmp, path));
  }
}

function unlinkQuietly(p: string): void {
  try {
    unlinkSync(p);
  } catch {
    // already gone
  }
}

/**
 * Why writing `path` (shown to the user as `shown`) failed, in words: "is a directory", "no such
 * directory out", "notes.txt is not a directory", "permission denied", ... Never the temporary file's name.
 */
export function writeErrorReason(e: NodeJS.ErrnoException, path: string, shown: string = path): string {
  switch (e.code) {
    case 'EISDIR':
      return 'is a directory';
    case 'ENOENT':
    case 'ENOTDIR': {
      // Walk up to the deepest folder on the way that exists: the step below it is what is missing (or
      // that folder is a file).
      let dir = dirname(path);
      let shownDir = dirname(normalize(shown));
      let missing: string | null = null;
      while (!existsSync(dir) && dirname(dir) !== dir) {
        missing = shownDir;
        dir = dirname(dir);
        shownDir = dirname(shownDir);
      }
      if (existsSync(dir) && !isDirectory(dir)) return `${shownDir} is not a directory`;
      if (missing !== null) return `no such directory ${missing}`;
      return e.code === 'ENOTDIR' ? 'not a directory' : 'no such file or directory';
    }
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'ENAMETOOLONG':
      return 'file name too long';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    default:
      // "EIO: i/o error, open '/x/.y.123.tmp'": the reason without the (temporary) path.
      return e.code ? e.message.split(',')[0] : e.message;
  }
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
