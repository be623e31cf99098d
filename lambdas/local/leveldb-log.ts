// Checks the write-ahead logs of local mode's LevelDB (dynalite's store) before they are replayed: LevelDB drops a
// record cut short at the end of its log without a word, so pullwatch reads them first and says so.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** LevelDB's log format: 32 KiB blocks of records, each a 7-byte header (masked CRC-32C, length, type) and data. */
const BLOCK_BYTES = 32_768;
const HEADER_BYTES = 7;
const FULL = 1;
const FIRST = 2;
const MIDDLE = 3;
const LAST = 4;
const MASK_DELTA = 0xa282ead8;

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let bit = 0; bit < 8; bit++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC32C_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

interface LogCheck {
  /** Bytes up to the end of the last whole record. */
  validBytes: number;
  /** What follows them, when something does. */
  problem?: string;
}

/** Walks one log's records the way LevelDB's reader does, checking each checksum. */
function checkLog(bytes: Uint8Array): LogCheck {
  let offset = 0;
  let validBytes = 0;
  let inRecord = false;
  const fail = (problem: string): LogCheck => ({ validBytes, problem });
  while (offset < bytes.length) {
    const leftInBlock = BLOCK_BYTES - (offset % BLOCK_BYTES);
    if (leftInBlock < HEADER_BYTES) {
      offset += leftInBlock;
      continue;
    }
    if (bytes.length - offset < HEADER_BYTES) return fail('it ends inside a record header');
    const length = bytes[offset + 4]! | (bytes[offset + 5]! << 8);
    const type = bytes[offset + 6]!;
    const end = offset + HEADER_BYTES + length;
    if (type === 0 && length === 0) return fail(bytes.subarray(offset).every((byte) => byte === 0) ? 'it ends in zeros where records should be' : 'a record is empty');
    if (HEADER_BYTES + length > leftInBlock) return fail('a record is longer than its block');
    if (end > bytes.length) return fail('it ends inside a record');
    const stored = new DataView(bytes.buffer, bytes.byteOffset + offset, 4).getUint32(0, true);
    const crc = crc32c(bytes.subarray(offset + 6, end));
    if (((((crc >>> 15) | (crc << 17)) + MASK_DELTA) >>> 0) !== stored) return fail('a record has a bad checksum');
    // A record split over blocks is FIRST, MIDDLE..., LAST; any other order is not what LevelDB writes.
    if (type !== FULL && type !== FIRST && type !== MIDDLE && type !== LAST) return fail(`a record has an unknown type ${type}`);
    if ((type === FULL || type === FIRST) === inRecord) return fail('a record split over blocks is broken off');
    inRecord = type === FIRST || type === MIDDLE;
    if (!inRecord) validBytes = end;
    offset = end;
  }
  return inRecord ? fail('it ends inside a record split over blocks') : { validBytes };
}

/** One warning per log file of `levelDir` that does not end in a whole record. */
export async function checkLevelDbLogs(levelDir: string): Promise<string[]> {
  const warnings: string[] = [];
  for (const name of (await readdir(levelDir)).filter((file) => /^\d+\.log$/.test(file)).sort()) {
    const path = join(levelDir, name);
    const bytes = await readFile(path);
    const { validBytes, problem } = checkLog(bytes);
    if (problem === undefined) continue;
    warnings.push(
      `LevelDB write-ahead log ${path} is truncated or damaged: ${problem}, after ${validBytes} of its ${bytes.length} bytes. ` +
        'LevelDB drops the rest while it recovers: the last writes before the crash (samples, outcomes, tracked refs) are lost, ' +
        'and the next collections write theirs again; if this happens without a crash, check the disk under DATA_DIR',
    );
  }
  return warnings;
}
