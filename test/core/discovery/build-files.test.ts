import { describe, expect, it } from 'vitest';
import { isBuildFile, isDockerfile, readBuildFile } from '../../../lambdas/core/discovery/build-files.ts';

const repository = { owner: 'Acme', repo: 'API' };
const refs = (file: string, text: string) => readBuildFile(file, text, repository).images.map((image) => image.ref);

describe('workflows', () => {
  it('reads the starter pattern: env names joined in metadata-action, tags from its outputs', () => {
    const text = `
name: publish
on: { push: { branches: [main] } }
env:
  REGISTRY: ghcr.io
  IMAGE_NAME: \${{ github.repository }}
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - id: meta
        uses: docker/metadata-action@v5
        with:
          images: \${{ env.REGISTRY }}/\${{ env.IMAGE_NAME }}
      - uses: docker/build-push-action@v6
        with:
          push: \${{ github.event_name != 'pull_request' }}
          tags: \${{ steps.meta.outputs.tags }}
`;
    const reading = readBuildFile('.github/workflows/docker-publish.yml', text, repository);
    expect(reading.images).toEqual([{ ref: 'ghcr:acme/api', file: '.github/workflows/docker-publish.yml' }]);
    expect(reading.skipped).toEqual([]);
  });

  it('reads multi-line build-push-action tags to two registries, job env over workflow env, and drops tags', () => {
    const text = `
env: { NAME: wrong }
jobs:
  release:
    env: { NAME: cli }
    steps:
      - uses: docker/build-push-action@v5
        with:
          push: true
          tags: |
            scaleway/\${{ env.NAME }}:latest
            scaleway/\${{ env.NAME }}:\${{ github.sha }}
            quay.io/scaleway/\${{ env.NAME }}:v1@sha256:${'a'.repeat(64)}
`;
    expect(refs('.github/workflows/release.yaml', text)).toEqual(['dockerhub:scaleway/cli', 'quay:scaleway/cli']);
  });

  it('counts build-push-action only when it pushes', () => {
    const step = (extra: string) => `jobs: { b: { steps: [ { uses: docker/build-push-action@v6, with: { tags: "acme/app:1"${extra} } } ] } }`;
    expect(refs('.github/workflows/ci.yml', step(''))).toEqual([]);
    expect(refs('.github/workflows/ci.yml', step(', push: false'))).toEqual([]);
    expect(refs('.github/workflows/ci.yml', step(', outputs: "type=registry"'))).toEqual(['dockerhub:acme/app']);
  });

  it('reads metadata-action images as lines, comma lists and name= attributes, honouring enable=false', () => {
    const text = `
jobs:
  m:
    steps:
      - uses: docker/metadata-action@v5
        with:
          images: |
            name=acme/one,enable=true
            name=acme/off,enable=false
            ghcr.io/acme/two,quay.io/acme/three
`;
    expect(refs('.github/workflows/m.yml', text)).toEqual(['dockerhub:acme/one', 'ghcr:acme/two', 'quay:acme/three']);
  });

  it('reads docker push, buildx --push -t and podman push in run steps, with shell and env variables', () => {
    const text = `
jobs:
  p:
    env: { IMAGE: acme/web }
    steps:
      - run: |
          docker build -t acme/local .   # built, not pushed
          docker push "$IMAGE:latest"
          docker buildx build --platform linux/amd64,linux/arm64 \\
            --push -t ghcr.io/\${GITHUB_REPOSITORY}:edge .
          TARGET=quay.io/acme/worker
          podman push --creds "u:p" localimage docker://$TARGET:1 && echo done
          docker image push \${{ secrets.REGISTRY }}/acme/secret
`;
    const reading = readBuildFile('.github/workflows/p.yml', text, repository);
    expect(reading.images.map((image) => image.ref)).toEqual(['dockerhub:acme/web', 'ghcr:acme/api', 'quay:acme/worker']);
    expect(reading.skipped).toEqual([
      { file: '.github/workflows/p.yml', written: '${{ secrets.REGISTRY }}/acme/secret', reason: expect.stringContaining('${{ secrets.REGISTRY }} cannot be resolved') },
    ]);
  });

  it('reports other hosts and unresolvable names instead of tracking them', () => {
    const text = `
jobs:
  p:
    steps:
      - run: docker push public.ecr.aws/acme/app:1
      - uses: docker/build-push-action@v6
        with: { push: true, tags: "\${{ secrets.DOCKERHUB_USERNAME }}/app:latest" }
`;
    const reading = readBuildFile('.github/workflows/p.yml', text, repository);
    expect(reading.images).toEqual([]);
    expect(reading.skipped.map((skip) => skip.reason)).toEqual([
      'public.ecr.aws is not Docker Hub, GHCR or Quay',
      '${{ secrets.DOCKERHUB_USERNAME }} cannot be resolved from the repository\'s files',
    ]);
  });

  it('gives a reason for a file that is not YAML, and nothing for YAML that is not a workflow', () => {
    expect(readBuildFile('.github/workflows/x.yml', 'jobs: [unclosed', repository).skipped[0]?.reason).toMatch(/^not valid YAML: /);
    expect(readBuildFile('.github/workflows/x.yml', '- a\n- b', repository)).toEqual({ images: [], skipped: [] });
    expect(readBuildFile('.github/workflows/x.yml', 'jobs: { a: { steps: [1, null, { run: 7 }] } }', repository)).toEqual({ images: [], skipped: [] });
  });

  it('stops an env loop instead of recursing', () => {
    const text = 'env: { A: "${{ env.B }}", B: "${{ env.A }}" }\njobs: { p: { steps: [ { run: "docker push $A" } ] } }';
    expect(readBuildFile('.github/workflows/x.yml', text, repository).skipped).toHaveLength(1);
  });
});

describe('goreleaser', () => {
  it('reads dockers image_templates and kos repositories, resolving the project name', () => {
    const text = `
project_name: tool
dockers:
  - image_templates:
      - "ghcr.io/acme/{{ .ProjectName }}:{{ .Version }}"
      - "acme/{{ .ProjectName }}:latest"
      - "{{ .Env.REGISTRY }}/acme/tool:{{ .Tag }}"
kos:
  - repository: quay.io/acme/ko-tool
`;
    const reading = readBuildFile('.goreleaser.yaml', text, repository);
    expect(reading.images.map((image) => image.ref)).toEqual(['ghcr:acme/tool', 'dockerhub:acme/tool', 'quay:acme/ko-tool']);
    expect(reading.skipped.map((skip) => skip.written)).toEqual(['{{ .Env.REGISTRY }}/acme/tool:{{ .Tag }}']);
  });
});

describe('which files matter', () => {
  it('fetches workflows and goreleaser configs only', () => {
    expect(['.github/workflows/a.yml', '.github/workflows/b.yaml', '.goreleaser.yml'].every(isBuildFile)).toBe(true);
    expect(['.github/workflows/sub/a.yml', 'ci/.goreleaser.yml', '.github/dependabot.yml', '.github/workflows/a.json'].some(isBuildFile)).toBe(false);
  });
  it('finds Dockerfiles by name anywhere', () => {
    expect(['Dockerfile', 'docker/Dockerfile.prod', 'api.Dockerfile', 'build/Containerfile'].every(isDockerfile)).toBe(true);
    expect(['Dockerfile.md/README', 'dockerfiles/readme.md'].some(isDockerfile)).toBe(false);
  });
});
