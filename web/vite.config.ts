import { defineConfig } from 'vite';

export default defineConfig({
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
