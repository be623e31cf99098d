// A realistic organisation for discovery tests: each way of publishing an image, the repositories to skip, and enough
// plain repositories to need a second listing page.
import type { FakeRepository } from '../../fakes/github.ts';

const STARTER = `name: Docker
on:
  push: { branches: [main], tags: ['v*.*.*'] }
env:
  REGISTRY: ghcr.io
  IMAGE_NAME: \${{ github.repository }}
jobs:
  build:
    runs-on: ubuntu-latest
    permissions: { contents: read, packages: write }
    steps:
      - uses: actions/checkout@v4
      - uses: docker/login-action@v3
        with: { registry: '\${{ env.REGISTRY }}', username: '\${{ github.actor }}', password: '\${{ secrets.GITHUB_TOKEN }}' }
      - id: meta
        uses: docker/metadata-action@v5
        with:
          images: \${{ env.REGISTRY }}/\${{ env.IMAGE_NAME }}
      - uses: docker/build-push-action@v6
        with:
          context: .
          push: \${{ github.event_name != 'pull_request' }}
          tags: \${{ steps.meta.outputs.tags }}
          labels: \${{ steps.meta.outputs.labels }}
`;

const TWO_REGISTRIES = `on: { release: { types: [published] } }
jobs:
  image:
    runs-on: ubuntu-latest
    env:
      NAME: acme-cli
    steps:
      - uses: docker/build-push-action@v5
        with:
          push: true
          tags: |
            acme/\${{ env.NAME }}:latest
            acme/\${{ env.NAME }}:\${{ github.ref_name }}
            ghcr.io/\${{ github.repository_owner }}/cli:\${{ github.ref_name }}
`;

const METADATA = `on: push
jobs:
  docker:
    steps:
      - id: meta
        uses: docker/metadata-action@v5
        with:
          images: |
            acme/web
            quay.io/acme/web
          tags: type=semver,pattern={{version}}
      - uses: docker/build-push-action@v6
        with: { push: true, tags: '\${{ steps.meta.outputs.tags }}' }
`;

const RUN_STEP = `on: push
jobs:
  push:
    steps:
      - run: |
          TAG=\${GITHUB_SHA::7}
          docker build -t acme/worker:$TAG .
          docker push acme/worker:$TAG
`;

const GORELEASER = `project_name: tool
dockers:
  - image_templates: ['ghcr.io/acme/{{ .ProjectName }}:{{ .Version }}', 'ghcr.io/acme/{{ .ProjectName }}:latest']
`;

const SECRET_NAME = `on: push
jobs:
  push:
    steps:
      - uses: docker/build-push-action@v6
        with: { push: true, tags: '\${{ secrets.DOCKERHUB_USERNAME }}/secret:latest' }
`;

export const FILLER_REPOSITORIES = 110;

export function acmeRepositories(): FakeRepository[] {
  return [
    { name: 'api', files: { '.github/workflows/docker-publish.yml': STARTER, Dockerfile: 'FROM scratch', 'README.md': '# api' } },
    { name: 'cli', files: { '.github/workflows/release.yml': TWO_REGISTRIES, 'main.go': 'package main' } },
    { name: 'web', defaultBranch: 'trunk', files: { '.github/workflows/docker.yaml': METADATA, 'docker/Dockerfile': 'FROM nginx' } },
    { name: 'worker', files: { '.github/workflows/push.yml': RUN_STEP, Dockerfile: 'FROM alpine' } },
    { name: 'tool', files: { '.goreleaser.yaml': GORELEASER, 'cmd/tool/main.go': 'package main' } },
    { name: 'legacy', files: { Dockerfile: 'FROM debian', '.github/workflows/test.yml': 'on: push\njobs: { t: { steps: [ { run: make test } ] } }' } },
    { name: 'old', archived: true, files: { '.github/workflows/docker-publish.yml': STARTER } },
    { name: 'forked', fork: true, files: { '.github/workflows/docker-publish.yml': STARTER } },
    { name: 'secret', files: { '.github/workflows/push.yml': SECRET_NAME } },
    { name: 'docs', files: { 'index.md': '# docs' } },
    ...Array.from({ length: FILLER_REPOSITORIES }, (_, i) => ({ name: `lib-${String(i).padStart(3, '0')}`, files: { 'src/index.ts': 'export {};' } })),
  ];
}

/** What discovery should find in acme, with where. */
export const ACME_CANDIDATES = [
  { ref: 'ghcr:acme/api', foundIn: 'github:acme/api .github/workflows/docker-publish.yml' },
  { ref: 'dockerhub:acme/acme-cli', foundIn: 'github:acme/cli .github/workflows/release.yml' },
  { ref: 'ghcr:acme/cli', foundIn: 'github:acme/cli .github/workflows/release.yml' },
  { ref: 'dockerhub:acme/web', foundIn: 'github:acme/web .github/workflows/docker.yaml' },
  { ref: 'quay:acme/web', foundIn: 'github:acme/web .github/workflows/docker.yaml' },
  { ref: 'dockerhub:acme/worker', foundIn: 'github:acme/worker .github/workflows/push.yml' },
  { ref: 'ghcr:acme/tool', foundIn: 'github:acme/tool .goreleaser.yaml' },
  { ref: 'dockerhub:acme/legacy', foundIn: 'github:acme/legacy Dockerfile' },
  { ref: 'ghcr:acme/legacy', foundIn: 'github:acme/legacy Dockerfile' },
];
