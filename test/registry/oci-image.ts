// A tiny OCI image layout written by hand (one gzip layer holding one file), for skopeo to push to a real registry.
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const OCI_LAYER_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

export interface OciImage {
  dir: string;
  tag: string;
  /** `sha256:<hex>` of the manifest bytes: what a pull by digest names. */
  manifestDigest: string;
}

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}

const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** Writes `value` right-aligned as NUL-terminated octal into `width` bytes, as ustar numeric fields are. */
function octal(header: Buffer, offset: number, width: number, value: number): void {
  header.write(`${value.toString(8).padStart(width - 1, '0')}\0`, offset, width, 'ascii');
}

/** A ustar archive of regular files: a 512-byte header per file, its content padded to 512, two zero blocks. */
export function tarArchive(files: Readonly<Record<string, string | Buffer>>, mtime = 0): Buffer {
  const blocks: Buffer[] = [];
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content);
    if (Buffer.byteLength(name) > 100) throw new Error(`tar entry name longer than 100 bytes: ${name}`);
    const header = Buffer.alloc(512);
    header.write(name, 0, 100, 'utf8');
    octal(header, 100, 8, 0o644); // mode
    octal(header, 108, 8, 0); // uid
    octal(header, 116, 8, 0); // gid
    octal(header, 124, 12, data.length);
    octal(header, 136, 12, mtime);
    header.write('0', 156, 1, 'ascii'); // typeflag: regular file
    header.write('ustar\u000000', 257, 8, 'ascii'); // magic "ustar\0" + version "00"
    // The checksum is the byte sum of the header with its own field read as eight spaces.
    header.fill(' ', 148, 156);
    const checksum = header.reduce((sum, byte) => sum + byte, 0);
    header.write(`${checksum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
    blocks.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

/** Writes an OCI image layout into `dir` with one manifest, tagged `tag` in index.json. */
export async function writeOciImage(dir: string, tag: string, files: Readonly<Record<string, string>> = { 'hello.txt': 'hello from pullwatch\n' }): Promise<OciImage> {
  const blobs = join(dir, 'blobs', 'sha256');
  await mkdir(blobs, { recursive: true });
  const putBlob = async (mediaType: string, bytes: Buffer): Promise<Descriptor> => {
    const digest = sha256(bytes);
    await writeFile(join(blobs, digest.slice('sha256:'.length)), bytes);
    return { mediaType, digest, size: bytes.length };
  };

  const tar = tarArchive(files);
  const layer = await putBlob(OCI_LAYER_GZIP, gzipSync(tar));
  const config = await putBlob(
    OCI_CONFIG,
    Buffer.from(
      JSON.stringify({
        created: '2024-01-01T00:00:00Z',
        architecture: 'amd64',
        os: 'linux',
        config: {},
        // diff_ids name the uncompressed layers; registries and skopeo check them against the layers on unpack.
        rootfs: { type: 'layers', diff_ids: [sha256(tar)] },
        history: [{ created: '2024-01-01T00:00:00Z', created_by: 'pullwatch test/registry/oci-image.ts' }],
      }),
    ),
  );
  const manifest = await putBlob(OCI_MANIFEST, Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [layer] })));

  await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await writeFile(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [{ ...manifest, annotations: { 'org.opencontainers.image.ref.name': tag } }],
    }),
  );
  return { dir, tag, manifestDigest: manifest.digest };
}
