import { defineConfig } from 'vite';

export default defineConfig({
  // Relative asset URLs: the same build works at the root of CloudFront, in local mode, or under a sub-path.
  base: './',
  build: {
    outDir: 'dist',
    // Keeps the page free of inline code, so CloudFront can send a strict Content-Security-Policy.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
